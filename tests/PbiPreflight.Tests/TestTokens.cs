using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;

namespace PbiPreflight.Tests
{
    /// <summary>Builds unsigned access tokens with chosen claims, shaped as Entra ID shapes v1 and v2 tokens.</summary>
    internal static class TestTokens
    {
        public const string OtherTenant = "99999999-8888-7777-6666-555555555555";

        public const string PowerBiServiceAppId = "00000009-0000-0000-c000-000000000000";

        public static string Jwt(IDictionary<string, object?> claims)
        {
            return Jwt(JsonSerializer.Serialize(claims));
        }

        /// <summary>A token whose payload is exactly <paramref name="payloadJson"/>, for malformed payloads.</summary>
        public static string Jwt(string payloadJson)
        {
            return Base64Url("{\"typ\":\"JWT\",\"alg\":\"none\"}") + "." + Base64Url(payloadJson) + ".c2lnbmF0dXJl";
        }

        /// <summary>The claims of an app-only v1 token for the public Power BI resource.</summary>
        public static Dictionary<string, object?> AppV1(DateTimeOffset expires, params string[] roles)
        {
            var claims = new Dictionary<string, object?>
            {
                ["aud"] = CloudEndpoints.PublicResource,
                ["iss"] = "https://sts.windows.net/" + FakePowerBi.TenantId + "/",
                ["tid"] = FakePowerBi.TenantId,
                ["appid"] = FakePowerBi.ClientId,
                ["appidacr"] = "1",
                ["oid"] = "bbbbbbbb-0000-0000-0000-000000000002",
                ["idtyp"] = "app",
                ["ver"] = "1.0",
                ["exp"] = expires.ToUnixTimeSeconds(),
            };
            if (roles.Length > 0)
            {
                claims["roles"] = roles;
            }

            return claims;
        }

        /// <summary>The claims of a delegated v1 token for the public Power BI resource.</summary>
        public static Dictionary<string, object?> UserV1(DateTimeOffset expires, string scopes)
        {
            return new Dictionary<string, object?>
            {
                ["aud"] = CloudEndpoints.PublicResource,
                ["iss"] = "https://sts.windows.net/" + FakePowerBi.TenantId + "/",
                ["tid"] = FakePowerBi.TenantId,
                ["appid"] = FakePowerBi.ClientId,
                ["oid"] = "cccccccc-0000-0000-0000-000000000003",
                ["upn"] = "admin@contoso.com",
                ["unique_name"] = "admin@contoso.com",
                ["scp"] = scopes,
                ["ver"] = "1.0",
                ["exp"] = expires.ToUnixTimeSeconds(),
            };
        }

        public static string Base64Url(string text)
        {
            return Base64Url(Encoding.UTF8.GetBytes(text));
        }

        public static string Base64Url(byte[] bytes)
        {
            return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        }
    }
}
