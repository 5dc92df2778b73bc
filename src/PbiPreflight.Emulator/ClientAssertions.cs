using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace PbiPreflight.Emulator;

/// <summary>
/// Checks a <c>client_assertion</c>: a JWT the client signed with a certificate registered on the
/// app (api-facts §1.3), or an external token matching one of the app's federated credentials
/// (§11). Each refusal is the one Entra gives for the same mistake.
/// </summary>
public sealed class ClientAssertions(
    ClientCertificates certificates, CertificateAuthority authority, FederationIssuer federation, TimeProvider clock)
{
    /// <summary>The only assertion type Entra accepts from confidential clients.</summary>
    public const string JwtBearerType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    // Entra allows a little clock skew on an assertion's start.
    private const int NotBeforeSkewSeconds = 300;

    /// <summary>Checks the assertion; null when it authenticates the app.</summary>
    /// <param name="tenant">The tenant the request is for.</param>
    /// <param name="app">The app named by client_id.</param>
    /// <param name="assertion">The client_assertion value.</param>
    /// <param name="tokenEndpoint">
    /// The URL the request was sent to, which a certificate assertion's aud must name.
    /// </param>
    public EntraError? Check(EmulatedTenant tenant, AppRegistration app, string assertion, string tokenEndpoint)
    {
        if (!JwtText.TryRead(assertion, out var jwt))
        {
            return Malformed();
        }

        // A certificate assertion is issued by the client itself; anything else is somebody else's token.
        return JwtText.String(jwt.Payload, "iss") == app.ClientId
            ? CheckCertificateAssertion(tenant, app, jwt, tokenEndpoint)
            : CheckExternalToken(tenant, app, jwt);
    }

    private EntraError? CheckCertificateAssertion(
        EmulatedTenant tenant, AppRegistration app, ParsedJwt jwt, string tokenEndpoint)
    {
        var algorithm = JwtText.String(jwt.Header, "alg");
        if (algorithm is not ("RS256" or "PS256"))
        {
            return Malformed();
        }

        if (jwt.Payload["aud"] is JsonArray { Count: > 1 } audiences)
        {
            return EntraError.Unauthorized(5002741,
                "Number of audience values in the provided client credential exceed maximum allowed. "
                + $"{audiences.Count} audience values provided, maximum allowed is 1.");
        }

        var audience = jwt.Payload["aud"] is JsonArray { Count: 1 } single
            ? single[0]?.ToString()
            : JwtText.String(jwt.Payload, "aud");
        if (audience is null || !string.Equals(
                audience.TrimEnd('/'), tokenEndpoint.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
        {
            return new EntraError(401, "invalid_client", 70002, "Error validating credentials. AADSTS50012: Client "
                + "assertion audience claim does not match Realm issuer.", [70002, 50012]);
        }

        if (JwtText.String(jwt.Payload, "sub") != app.ClientId)
        {
            return Malformed();
        }

        var timeRefusal = CheckLifetime(jwt.Payload);
        if (timeRefusal is not null)
        {
            return timeRefusal;
        }

        var certificate = FindSigningCertificate(tenant, app, jwt.Header, out var thumbprint);
        if (certificate is null)
        {
            return EntraError.Unauthorized(700027,
                "Client assertion failed signature validation. [Reason - The key was not found., Thumbprint of key "
                + $"used by client: '{thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS "
                + $"Graph to see configured keys for app Id '{app.ClientId}'.]");
        }

        using var key = certificate.GetRSAPublicKey();
        var padding = algorithm == "PS256" ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        if (key is null || !key.VerifyData(jwt.SigningInput, jwt.Signature, HashAlgorithmName.SHA256, padding))
        {
            return EntraError.Unauthorized(700027,
                "Client assertion contains an invalid signature. [Reason - The provided signature value did not match "
                + $"the expected signature value., Thumbprint of key used by client: '{certificate.Thumbprint}', Found "
                + $"key 'Start=..., End=...', Please visit the Azure Portal for app Id '{app.ClientId}'.]");
        }

        var now = clock.GetUtcNow();
        if (certificate.NotAfter.ToUniversalTime() <= now.UtcDateTime)
        {
            return EntraError.Unauthorized(700027,
                "Client assertion failed signature validation. [Reason - The key used is expired., Thumbprint of key "
                + $"used by client: '{certificate.Thumbprint}', Found key 'Start="
                + $"{Time(certificate.NotBefore)}, End={Time(certificate.NotAfter)}', Please visit the Azure Portal "
                + $"for app Id '{app.ClientId}'.]");
        }

        return null;
    }

    private X509Certificate2? FindSigningCertificate(
        EmulatedTenant tenant, AppRegistration app, JsonObject header, out string thumbprint)
    {
        var sha256 = JwtText.String(header, "x5t#S256");
        var sha1 = JwtText.String(header, "x5t");
        thumbprint = sha256 ?? sha1 ?? "";
        foreach (var name in app.Certificates)
        {
            if (certificates.Find(name) is { } registered
                && ((sha256 is not null && sha256 == registered.X5tS256)
                    || (sha1 is not null && sha1 == registered.X5t)))
            {
                return registered.Certificate;
            }
        }

        // Subject-name/issuer authentication: the certificate travels in x5c and is trusted for its
        // subject and issuer, not because its key was uploaded. RFC 7515 makes x5c an array (leaf first); MSAL.NET
        // sends the leaf alone as one string, which Entra ID accepts too.
        var leafText = header["x5c"] switch
        {
            JsonArray { Count: > 0 } chain => chain[0]?.ToString(),
            JsonValue single when single.TryGetValue<string>(out var text) => text,
            _ => null,
        };
        if (app.TrustedCertificateSubjects.Count == 0 || string.IsNullOrEmpty(leafText))
        {
            return null;
        }

        try
        {
            var leaf = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(leafText));
            thumbprint = leaf.Thumbprint;
            var trusted = app.TrustedCertificateSubjects.Any(
                    s => string.Equals(new X500DistinguishedName(s).Name, leaf.Subject, StringComparison.Ordinal))
                && authority.Issued(leaf);
            if (trusted)
            {
                return leaf;
            }

            leaf.Dispose();
            return null;
        }
        catch (Exception exception) when (exception is FormatException or CryptographicException)
        {
            return null;
        }
    }

    private EntraError? CheckExternalToken(EmulatedTenant tenant, AppRegistration app, ParsedJwt jwt)
    {
        if (!federation.Signed(jwt))
        {
            // Entra would fetch the issuer's keys; the only issuer the emulator can vouch for is itself.
            return EntraError.Unauthorized(700027,
                "Client assertion failed signature validation. [Reason - The key was not found., Please visit the "
                + $"Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id "
                + $"'{app.ClientId}'.]");
        }

        var timeRefusal = CheckLifetime(jwt.Payload);
        if (timeRefusal is not null)
        {
            return timeRefusal;
        }

        var issuer = JwtText.String(jwt.Payload, "iss") ?? "";
        var subject = JwtText.String(jwt.Payload, "sub") ?? "";
        var audiences = jwt.Payload["aud"] is JsonArray array
            ? array.Select(a => a?.ToString() ?? "").ToList()
            : [JwtText.String(jwt.Payload, "aud") ?? ""];

        // Matching is case-sensitive, field by field, and the first field with no match names the code.
        var byIssuer = app.FederatedCredentials.Where(c => c.Issuer == issuer).ToList();
        if (byIssuer.Count == 0)
        {
            return NoMatch(tenant, 700211, $"No matching federated identity record found for presented assertion "
                + $"issuer '{issuer}'. Please check your federated identity credential Subject, Audience and Issuer "
                + "against the presented assertion.", issuer, subject, audiences);
        }

        var byAudience = byIssuer.Where(c => c.Audiences.Any(audiences.Contains)).ToList();
        if (byAudience.Count == 0)
        {
            return NoMatch(tenant, 700212, "No matching federated identity record found for presented assertion "
                + $"audience '{string.Join(",", audiences)}'. Please check your federated identity credential "
                + "Subject, Audience and Issuer against the presented assertion.", issuer, subject, audiences);
        }

        if (byAudience.Any(c => c.Subject == subject))
        {
            return null;
        }

        if (byAudience.Any(c => string.Equals(c.Subject, subject, StringComparison.OrdinalIgnoreCase)))
        {
            return NoMatch(tenant, 7002138, $"The presented assertion subject '{subject}' matches a federated "
                + "identity credential only when case is ignored; subjects are compared case-sensitively.",
                issuer, subject, audiences);
        }

        return NoMatch(tenant, 700213, "No matching federated identity record found for presented assertion subject "
            + $"'{subject}'. Please check your federated identity credential Subject, Audience and Issuer against the "
            + "presented assertion.", issuer, subject, audiences);
    }

    private EntraError? CheckLifetime(JsonObject claims)
    {
        var now = clock.GetUtcNow();
        var seconds = now.ToUnixTimeSeconds();
        var notBefore = JwtText.Seconds(claims, "nbf");
        var expires = JwtText.Seconds(claims, "exp");
        var notYetValid = notBefore is not null && notBefore > seconds + NotBeforeSkewSeconds;
        if (expires is null || seconds >= expires || notYetValid)
        {
            var from = notBefore is null ? "1970-01-01T00:00:00.0000000Z" : Unix(notBefore.Value);
            var until = expires is null ? "(none)" : Unix(expires.Value);
            return EntraError.Unauthorized(700024,
                $"Client assertion is not within its valid time range. Current time: {Unix(seconds)}, assertion valid "
                + $"from {from}, expiry time of assertion {until}. Review the documentation at "
                + "https://learn.microsoft.com/entra/identity-platform/certificate-credentials .");
        }

        return null;
    }

    private static EntraError NoMatch(
        EmulatedTenant tenant, int code, string text, string issuer, string subject, List<string> audiences)
    {
        if (!tenant.Model.LegacyFederationErrors)
        {
            return EntraError.Unauthorized(code, text);
        }

        return EntraError.BadRequest("invalid_request", 70021, "No matching federated identity record found for "
            + $"presented assertion. Assertion Issuer: '{issuer}'. Assertion Subject: '{subject}'. Assertion "
            + $"Audience: '{string.Join(",", audiences)}'.");
    }

    private static EntraError Malformed()
    {
        return EntraError.BadRequest("invalid_request", 50027, "JWT token is invalid or malformed.");
    }

    private static string Unix(long seconds) =>
        DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("o", CultureInfo.InvariantCulture);

    private static string Time(DateTime time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
