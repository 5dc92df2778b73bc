using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace PbiPreflight.Identity
{
    /// <summary>
    /// The claims of an access token that tell whether the later calls can work. The token is read, never
    /// verified: the preflight is not the token's audience, Power BI is.
    /// </summary>
    public sealed class TokenClaims
    {
        private static readonly string[] ForbiddenApplicationRoles = { "Tenant.Read.All", "Tenant.ReadWrite.All" };

        // The range DateTimeOffset can hold; an exp outside it is read as missing rather than thrown on.
        private static readonly long MinimumUnixSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();

        private static readonly long MaximumUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

        /// <summary>The tenant that issued the token (<c>tid</c>).</summary>
        public string? TenantId { get; private set; }

        /// <summary>The application the token was issued to (<c>appid</c>, or <c>azp</c> in v2 tokens).</summary>
        public string? AppId { get; private set; }

        /// <summary>The object id of the service principal or user (<c>oid</c>).</summary>
        public string? ObjectId { get; private set; }

        /// <summary>The audience (<c>aud</c>).</summary>
        public string? Audience { get; private set; }

        /// <summary>Application permissions (<c>roles</c>).</summary>
        public IReadOnlyList<string> Roles { get; private set; } = System.Array.Empty<string>();

        /// <summary>Delegated scopes (<c>scp</c>).</summary>
        public IReadOnlyList<string> Scopes { get; private set; } = System.Array.Empty<string>();

        /// <summary>
        /// <c>user</c> for a delegated token, <c>app</c> for an app-only one (<c>idtyp</c>, else inferred).
        /// </summary>
        public string IdentityType { get; private set; } = "app";

        /// <summary>The signed-in user (<c>upn</c>, <c>preferred_username</c> or <c>unique_name</c>).</summary>
        public string? UserPrincipalName { get; private set; }

        /// <summary>The token's version (<c>ver</c>): 1.0 or 2.0.</summary>
        public string? Version { get; private set; }

        /// <summary>When the token expires (<c>exp</c>).</summary>
        public DateTimeOffset? ExpiresOn { get; private set; }

        /// <summary>Power BI application permissions that make the admin APIs refuse a service principal.</summary>
        public IReadOnlyList<string> ForbiddenRoles =>
            Roles.Where(role => ForbiddenApplicationRoles.Contains(role, StringComparer.OrdinalIgnoreCase)).ToList();

        /// <summary>Reads the payload of a JWT; null when the text is not one (an opaque token, say).</summary>
        public static TokenClaims? Read(string accessToken)
        {
            // A signed JWT has three parts, an unsigned one an empty third; five is an encrypted token.
            var parts = accessToken.Split('.');
            if (parts.Length != 3)
            {
                return null;
            }

            try
            {
                using var document = JsonDocument.Parse(DecodeBase64Url(parts[1]));
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }

                var expires = JsonText.Number(root, "exp");
                var scopes = JsonText.String(root, "scp");

                // v1 tokens before idtyp existed: a user token always carries scp, an app token never does.
                var identityType = JsonText.String(root, "idtyp") ?? (scopes != null ? "user" : "app");
                return new TokenClaims
                {
                    IdentityType = identityType.ToLowerInvariant(),
                    UserPrincipalName = JsonText.String(root, "upn") ?? JsonText.String(root, "preferred_username") ??
                        JsonText.String(root, "unique_name"),
                    Version = JsonText.String(root, "ver"),
                    TenantId = JsonText.String(root, "tid"),
                    AppId = JsonText.String(root, "appid") ?? JsonText.String(root, "azp"),
                    ObjectId = JsonText.String(root, "oid"),
                    Audience = JsonText.String(root, "aud"),
                    Roles = Strings(root, "roles"),
                    Scopes = (JsonText.String(root, "scp") ?? string.Empty)
                        .Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries),
                    ExpiresOn = expires.HasValue && expires.Value >= MinimumUnixSeconds &&
                        expires.Value <= MaximumUnixSeconds
                        ? DateTimeOffset.FromUnixTimeSeconds(expires.Value)
                        : null,
                };
            }
            catch (Exception error) when (error is JsonException || error is FormatException ||
                error is InvalidOperationException)
            {
                return null;
            }
        }

        private static IReadOnlyList<string> Strings(JsonElement root, string name)
        {
            var array = JsonText.Array(root, name);
            return array is null
                ? System.Array.Empty<string>()
                : array.Value.EnumerateArray()
                    .Select(JsonText.StringValue)
                    .Where(item => item != null)
                    .Select(item => item!)
                    .ToList();
        }

        private static byte[] DecodeBase64Url(string text)
        {
            var base64 = text.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            return Convert.FromBase64String(base64);
        }
    }
}
