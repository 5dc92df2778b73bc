using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PbiPreflight.Emulator;

/// <summary>The outcome of checking a bearer token.</summary>
public enum TokenStatus
{
    /// <summary>Signed by this emulator and within its lifetime.</summary>
    Valid,

    /// <summary>Signed by this emulator but past its <c>exp</c>.</summary>
    Expired,

    /// <summary>Malformed, not signed by this emulator, or not yet valid.</summary>
    Invalid,
}

/// <summary>
/// Issues and checks RS256 access tokens shaped like Entra ID v1 app-only tokens. The signing key
/// is made at start-up, so tokens of an earlier run are rejected like a foreign tenant's.
/// </summary>
public sealed class TokenIssuer : IDisposable
{
    private readonly RSA _key = RSA.Create(2048);

    /// <summary>The key id written into every token header and the JWKS document.</summary>
    public string KeyId { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(10));

    /// <summary>Makes a signed access token for an app of the tenant.</summary>
    public string Issue(EmulatedTenant tenant, AppRegistration app, string audience, DateTimeOffset now)
    {
        var issuedAt = now.ToUnixTimeSeconds();
        var payload = new JsonObject
        {
            ["aud"] = audience,
            ["iss"] = $"https://sts.windows.net/{tenant.TenantId}/",
            ["iat"] = issuedAt,
            ["nbf"] = issuedAt,
            ["exp"] = issuedAt + tenant.Model.TokenLifetimeSeconds,
            ["appid"] = app.ClientId,
            ["appidacr"] = "1",
            ["idp"] = $"https://sts.windows.net/{tenant.TenantId}/",
            ["idtyp"] = "app",
            ["oid"] = app.ServicePrincipalId,
            ["sub"] = app.ServicePrincipalId,
            ["tid"] = tenant.TenantId,
            ["uti"] = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)),
            ["ver"] = "1.0",
        };

        // An app-only token has no roles claim unless the app holds application permissions on the
        // resource the token is for: Graph permissions for Graph, Power BI permissions otherwise.
        var roles = GraphResources.IsGraph(audience) ? app.GraphPermissions : app.ApplicationPermissions;
        if (roles.Count > 0)
        {
            payload["roles"] = new JsonArray([.. roles.Select(p => (JsonNode)p)]);
        }

        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = "RS256", ["kid"] = KeyId };
        var signingInput = Encode(header) + "." + Encode(payload);
        var signature = _key.SignData(
            Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>Checks a token and returns its claims when the signature is ours.</summary>
    public TokenStatus Validate(string token, DateTimeOffset now, out JsonObject? claims)
    {
        claims = null;
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return TokenStatus.Invalid;
        }

        try
        {
            var header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0])) as JsonObject;
            if (header?["alg"]?.GetValue<string>() != "RS256" || header["kid"]?.GetValue<string>() != KeyId)
            {
                return TokenStatus.Invalid;
            }

            var signature = Base64Url.DecodeFromChars(parts[2]);
            var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
            if (!_key.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return TokenStatus.Invalid;
            }

            claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1])) as JsonObject;
            var notBefore = claims?["nbf"]?.GetValue<long>();
            var expires = claims?["exp"]?.GetValue<long>();
            if (claims is null || notBefore is null || expires is null)
            {
                return TokenStatus.Invalid;
            }

            // Five minutes of skew on nbf, as token validators usually allow; none on exp so a
            // scenario with a very short token lifetime expires when it says.
            var seconds = now.ToUnixTimeSeconds();
            if (notBefore > seconds + 300)
            {
                return TokenStatus.Invalid;
            }

            return seconds >= expires ? TokenStatus.Expired : TokenStatus.Valid;
        }
        catch (Exception exception) when (exception is FormatException or JsonException or InvalidOperationException)
        {
            claims = null;
            return TokenStatus.Invalid;
        }
    }

    /// <summary>The public signing key as a JSON Web Key Set.</summary>
    public JsonObject KeySet()
    {
        var parameters = _key.ExportParameters(false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = "RS256",
                ["kid"] = KeyId,
                ["n"] = Base64Url.EncodeToString(parameters.Modulus),
                ["e"] = Base64Url.EncodeToString(parameters.Exponent),
            }),
        };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _key.Dispose();
    }

    private static string Encode(JsonObject value)
    {
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(value.ToJsonString()));
    }
}
