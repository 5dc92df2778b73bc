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

    /// <summary>
    /// Makes a signed app-only access token for an app (or managed identity) of the tenant.
    /// <paramref name="authenticationMethod"/> is the <c>appidacr</c> value: 1 secret, 2 certificate or assertion.
    /// </summary>
    public string Issue(
        EmulatedTenant tenant,
        AppRegistration app,
        string audience,
        DateTimeOffset now,
        string authenticationMethod = "1")
    {
        var payload = CommonClaims(tenant, app, audience, now, authenticationMethod);
        payload["idtyp"] = "app";
        payload["oid"] = app.ServicePrincipalId;
        payload["sub"] = app.ServicePrincipalId;
        if (app.ResourceId is not null)
        {
            payload["xms_mirid"] = app.ResourceId;
        }

        // An app-only token has no roles claim unless the app holds application permissions on the
        // resource the token is for: Graph permissions for Graph, Power BI permissions otherwise.
        var roles = GraphResources.IsGraph(audience) ? app.GraphPermissions : app.ApplicationPermissions;
        if (roles.Count > 0)
        {
            payload["roles"] = new JsonArray([.. roles.Select(p => (JsonNode)p)]);
        }

        return Sign(payload);
    }

    /// <summary>Makes a signed delegated access token for a user signed in through an app.</summary>
    public string IssueForUser(
        EmulatedTenant tenant,
        AppRegistration app,
        UserAccount user,
        string audience,
        IReadOnlyList<string> scopes,
        IReadOnlyList<string> methods,
        DateTimeOffset now)
    {
        var payload = CommonClaims(tenant, app, audience, now, app.AllowPublicClientFlows ? "0" : "1");
        payload["idtyp"] = "user";
        payload["oid"] = user.ObjectId;

        // The subject is pairwise: the same user gets a different sub in every app.
        payload["sub"] = Base64Url.EncodeToString(
            SHA256.HashData(Encoding.UTF8.GetBytes(user.ObjectId + "|" + app.ClientId))[..24]);
        payload["scp"] = string.Join(' ', scopes);
        payload["name"] = user.DisplayName;
        payload["amr"] = new JsonArray([.. methods.Select(m => (JsonNode)m)]);
        if (tenant.Model.AccessTokenVersion == 2)
        {
            payload["preferred_username"] = user.UserPrincipalName;
        }
        else
        {
            payload["upn"] = user.UserPrincipalName;
            payload["unique_name"] = user.UserPrincipalName;
        }

        JsonArray roles = [DirectoryRoles.User];
        if (user.FabricAdministrator)
        {
            roles.Add(DirectoryRoles.FabricAdministrator);
        }

        payload["wids"] = roles;
        return Sign(payload);
    }

    /// <summary>An OpenID Connect id token for a user, as user grants return next to the access token.</summary>
    public string IssueIdToken(EmulatedTenant tenant, AppRegistration app, UserAccount user, DateTimeOffset now)
    {
        var issuedAt = now.ToUnixTimeSeconds();
        var payload = new JsonObject
        {
            ["aud"] = app.ClientId,
            ["iss"] = $"https://login.microsoftonline.com/{tenant.TenantId}/v2.0",
            ["iat"] = issuedAt,
            ["nbf"] = issuedAt,
            ["exp"] = issuedAt + tenant.Model.TokenLifetimeSeconds,
            ["name"] = user.DisplayName,
            ["oid"] = user.ObjectId,
            ["preferred_username"] = user.UserPrincipalName,
            ["sub"] = EmulatedTenant.StableGuid("id-sub:" + user.ObjectId + app.ClientId),
            ["tid"] = tenant.TenantId,
            ["ver"] = "2.0",
        };
        return Sign(payload);
    }

    private static JsonObject CommonClaims(
        EmulatedTenant tenant, AppRegistration app, string audience, DateTimeOffset now, string authenticationMethod)
    {
        var issuedAt = now.ToUnixTimeSeconds();
        var version2 = tenant.Model.AccessTokenVersion == 2;
        var payload = new JsonObject
        {
            ["aud"] = version2 ? ResourceAppIds.Of(audience) : audience,
            ["iss"] = version2
                ? $"https://login.microsoftonline.com/{tenant.TenantId}/v2.0"
                : $"https://sts.windows.net/{tenant.TenantId}/",
            ["iat"] = issuedAt,
            ["nbf"] = issuedAt,
            ["exp"] = issuedAt + tenant.Model.TokenLifetimeSeconds,
        };

        payload[version2 ? "azp" : "appid"] = app.ClientId;
        payload[version2 ? "azpacr" : "appidacr"] = authenticationMethod;
        if (!version2)
        {
            payload["idp"] = $"https://sts.windows.net/{tenant.TenantId}/";
        }

        payload["tid"] = tenant.TenantId;
        payload["uti"] = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        payload["ver"] = version2 ? "2.0" : "1.0";
        return payload;
    }

    private string Sign(JsonObject payload)
    {
        return JwtText.Sign(_key, new JsonObject { ["typ"] = "JWT", ["alg"] = "RS256", ["kid"] = KeyId }, payload);
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

}

/// <summary>Directory role template ids Entra puts in a user token's <c>wids</c> claim.</summary>
public static class DirectoryRoles
{
    /// <summary>Every member user has it.</summary>
    public const string User = "b79fbf4d-3ef9-4689-8143-76b194e85509";

    /// <summary>Fabric administrator (formerly Power BI administrator).</summary>
    public const string FabricAdministrator = "a9ea8996-122f-4c74-9520-8edcd192826c";
}

/// <summary>The app ids of the resources, which a v2 token carries as its <c>aud</c>.</summary>
public static class ResourceAppIds
{
    /// <summary>The Power BI Service app; Fabric's API resource belongs to it too.</summary>
    public const string PowerBi = "00000009-0000-0000-c000-000000000000";

    /// <summary>Microsoft Graph.</summary>
    public const string Graph = "00000003-0000-0000-c000-000000000000";

    /// <summary>The app id of a resource URI (or the id itself).</summary>
    public static string Of(string resource)
    {
        return GraphResources.IsGraph(resource) ? Graph : PowerBi;
    }
}

/// <summary>Splits, reads and signs compact JWTs.</summary>
public static class JwtText
{
    /// <summary>Signs <paramref name="payload"/> with RS256 under <paramref name="header"/>.</summary>
    public static string Sign(RSA key, JsonObject header, JsonObject payload)
    {
        var signingInput = Encode(header) + "." + Encode(payload);
        var signature = key.SignData(
            Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>
    /// Reads a compact JWT into its header, payload, signing input and signature; false when it is not
    /// three base64url parts whose first two are JSON objects.
    /// </summary>
    public static bool TryRead(string token, out ParsedJwt jwt)
    {
        jwt = default;
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }

        try
        {
            if (JsonNode.Parse(Base64Url.DecodeFromChars(parts[0])) is not JsonObject header
                || JsonNode.Parse(Base64Url.DecodeFromChars(parts[1])) is not JsonObject payload)
            {
                return false;
            }

            jwt = new ParsedJwt(
                header,
                payload,
                Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]),
                Base64Url.DecodeFromChars(parts[2]));
            return true;
        }
        catch (Exception exception) when (exception is FormatException or JsonException)
        {
            return false;
        }
    }

    /// <summary>A string claim, or null when missing or not a string.</summary>
    public static string? String(JsonObject claims, string name)
    {
        return claims[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
    }

    /// <summary>A time claim in Unix seconds, given as a number or a numeric string (MSAL sends strings).</summary>
    public static long? Seconds(JsonObject claims, string name)
    {
        if (claims[name] is not JsonValue value)
        {
            return null;
        }

        if (value.TryGetValue<long>(out var number))
        {
            return number;
        }

        if (value.TryGetValue<double>(out var real))
        {
            return (long)real;
        }

        return value.TryGetValue<string>(out var text)
            && long.TryParse(text, System.Globalization.NumberStyles.Integer,
                System.Globalization.CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : null;
    }

    private static string Encode(JsonObject value)
    {
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(value.ToJsonString()));
    }
}

/// <summary>A compact JWT taken apart; nothing about it has been checked.</summary>
/// <param name="Header">The JOSE header.</param>
/// <param name="Payload">The claims.</param>
/// <param name="SigningInput">The bytes the signature covers.</param>
/// <param name="Signature">The signature bytes.</param>
public readonly record struct ParsedJwt(JsonObject Header, JsonObject Payload, byte[] SigningInput, byte[] Signature);
