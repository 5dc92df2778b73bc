using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.Identity.Client;
using System.Threading;
using System.Threading.Tasks;
using PbiPreflight.Diagnosis;
using PbiPreflight.Http;
using PbiPreflight.Identity;

namespace PbiPreflight.Checks
{
    /// <summary>
    /// Can these credentials get a token for the Power BI API of the right cloud, and does the token carry what
    /// the later calls need and nothing that breaks them.
    /// </summary>
    internal static class CredentialScopeCheck
    {
        /// <summary>The Power BI service's application id: the audience of v2 tokens in every cloud.</summary>
        internal const string PowerBiServiceAppId = "00000009-0000-0000-c000-000000000000";

        /// <summary>A given token with less life than this cannot see a crawl of a large tenant through.</summary>
        internal static readonly TimeSpan GivenTokenMinimumLife = TimeSpan.FromMinutes(60);

        private static readonly string[] AdminScopes = { "Tenant.Read.All", "Tenant.ReadWrite.All" };

        public static async Task<CheckResult> RunAsync(PreflightSession session, CancellationToken cancellation)
        {
            var stopwatch = Stopwatch.StartNew();
            var outcome = await session.Tokens.GetAsync(cancellation).ConfigureAwait(false);
            var result = Describe(session, outcome, session.NewResult(CheckIds.CredentialScope));
            result.Duration = stopwatch.Elapsed;
            return result;
        }

        /// <summary>
        /// The verdict on a token request. Also used by the checks that run alone, so that a refused secret
        /// shows its own cause wherever it is met.
        /// </summary>
        public static CheckResult Describe(PreflightSession session, TokenOutcome outcome, CheckResult result)
        {
            var connection = session.Connection;
            result.Details["CredentialKind"] = connection.Credential.Kind;
            if (outcome.Succeeded)
            {
                return JudgeToken(session, outcome, result);
            }

            result.HttpStatus = outcome.HttpStatus;
            result.RequestId = outcome.RequestId;
            if (!string.IsNullOrEmpty(outcome.ResponseBody))
            {
                result.Response = Verdicts.RedactThenCut(outcome.ResponseBody!, session.Redactor);
            }

            var error = outcome.Error;
            if (error != null)
            {
                result.ErrorCode = error.ErrorCode;
                result.TraceId = error.TraceId;
                result.CorrelationId = error.CorrelationId;
                var diagnosis = DiagnosisCatalog.ForEntraCode(error.Code);
                if (connection.Credential is CertificateCredential { Certificate: { } certificate } &&
                    certificate.NotAfter.ToUniversalTime() <= session.TimeProvider.GetUtcNow().UtcDateTime)
                {
                    // Entra ID says only that the key is not valid; the certificate at hand says why.
                    return result.Apply(
                        DiagnosisCatalog.CertificateExpired,
                        certificate.Subject + ", " + certificate.Thumbprint,
                        new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero));
                }

                var padding = diagnosis == DiagnosisCatalog.InvalidClientSecret ? SecretPadding(connection) : null;
                if (padding != null)
                {
                    return result.Apply(DiagnosisCatalog.ClientSecretHasWhitespace, padding);
                }

                return result.Apply(diagnosis, session.Redactor.Redact(error.Summary ?? error.Error ?? string.Empty));
            }

            // No Entra ID error: either a step before the token endpoint (a managed identity endpoint, a
            // federation server, the GitHub runner) or no answer at all.
            var failure = outcome.Failure ?? new InvalidOperationException("No token and no error came back.");
            result.ErrorCode = (failure as MsalException)?.ErrorCode;
            var known = JudgeLocalFailure(session, failure, result);
            if (known != null)
            {
                return known;
            }

            var host = connection.Endpoints.AuthorityHost.GetLeftPart(UriPartial.Authority);
            if (outcome.HttpStatus.HasValue)
            {
                // An answer came, but from a proxy, a portal or a wrong host rather than from Entra ID.
                return result.Apply(DiagnosisCatalog.UnexpectedAuthorityResponse, host, outcome.HttpStatus.Value);
            }

            // MSAL's own refusals (a user type it cannot sign in, an assertion it will not send) carry no network
            // failure; blaming the network for them would send the admin the wrong way.
            if (failure is MsalClientException refusal && !NetworkFailure.HasNetworkCause(refusal))
            {
                return result.Apply(DiagnosisCatalog.SignInStoppedByMsal, session.Redactor.Redact(refusal.Message));
            }

            // No answer at all: the host was unreachable.
            return result.JudgeUnreachable(
                failure,
                "The sign-in service",
                connection.Endpoints.AuthorityHost,
                session.Tls,
                session.Redactor,
                DiagnosisCatalog.AuthorityUnreachable,
                session.Request.Proxy);
        }

        private static CheckResult JudgeToken(PreflightSession session, TokenOutcome outcome, CheckResult result)
        {
            var connection = session.Connection;
            var claims = outcome.Claims;
            result.Details["TokenTenantId"] = claims?.TenantId;
            result.Details["AppId"] = claims?.AppId;
            result.Details["ObjectId"] = claims?.ObjectId;
            result.Details["IdentityType"] = claims?.IdentityType;
            result.Details["UserPrincipalName"] = claims?.UserPrincipalName;
            result.Details["Audience"] = claims?.Audience;
            result.Details["Roles"] = claims?.Roles;
            result.Details["Scopes"] = claims?.Scopes;
            result.Details["ExpiresOn"] = outcome.ExpiresOn;
            result.Details["Scope"] = connection.Endpoints.DefaultScope;
            if (claims is null)
            {
                // Only a given token can be unreadable; one Entra ID just issued is always a JWT.
                return result.Apply(DiagnosisCatalog.AccessTokenOpaque);
            }

            // What the token says is judged first; a claim it lacks is only named after that, so a missing claim
            // never hides a mismatch or an expiry the others prove.
            var given = connection.Credential is AccessTokenCredential;
            var audience = claims.Audience ?? string.Empty;
            var resource = connection.Endpoints.ResourceUri.AbsoluteUri.TrimEnd('/');
            if (audience.Length > 0 && !IsPowerBiAudience(audience, resource))
            {
                var cloud = CloudEndpoints.EnvironmentOfResource(audience);
                return cloud.HasValue
                    ? result.Apply(DiagnosisCatalog.CloudMismatch, cloud.Value, connection.Endpoints.Environment)
                    : result.Apply(DiagnosisCatalog.TokenAudienceMismatch, audience, resource);
            }

            if (Guid.TryParse(connection.TenantId, out _) && claims.TenantId != null &&
                !string.Equals(claims.TenantId, connection.TenantId, StringComparison.OrdinalIgnoreCase))
            {
                return result.Apply(DiagnosisCatalog.TokenTenantMismatch, claims.TenantId, connection.TenantId);
            }

            if (given && claims.ExpiresOn.HasValue)
            {
                var left = outcome.ExpiresOn - session.TimeProvider.GetUtcNow();
                if (left <= TimeSpan.Zero)
                {
                    return result.Apply(DiagnosisCatalog.AccessTokenExpired, outcome.ExpiresOn);
                }

                if (left < GivenTokenMinimumLife)
                {
                    return result.Apply(
                        DiagnosisCatalog.AccessTokenExpiresSoon,
                        outcome.ExpiresOn,
                        (int)Math.Floor(left.TotalMinutes));
                }
            }

            // Entra ID always writes these; in a token it issued just now they are there. In a given one their
            // absence leaves part of it unjudged, which must not read as a pass.
            var missing = given ? MissingEntraClaims(claims) : new List<string>();
            if (missing.Count > 0)
            {
                return result.Apply(DiagnosisCatalog.AccessTokenIncomplete, string.Join(", ", missing));
            }

            if (claims.IdentityType == "user")
            {
                var tenantScopes = claims.Scopes
                    .Where(scope => AdminScopes.Contains(scope, StringComparer.OrdinalIgnoreCase));
                return tenantScopes.Any()
                    ? result.Apply(
                        DiagnosisCatalog.UserTokenAcquired,
                        claims.UserPrincipalName ?? claims.ObjectId,
                        claims.AppId ?? connection.ClientId,
                        claims.TenantId ?? connection.TenantId,
                        outcome.ExpiresOn)
                    : result.Apply(DiagnosisCatalog.DelegatedScopeMissing, string.Join(" ", claims.Scopes));
            }

            var forbidden = claims.ForbiddenRoles;
            return forbidden.Count > 0
                ? result.Apply(DiagnosisCatalog.AdminConsentPermissionsPresent, string.Join(", ", forbidden))
                : result.Apply(
                    DiagnosisCatalog.TokenAcquired,
                    claims.AppId ?? connection.ClientId,
                    claims.TenantId ?? connection.TenantId,
                    outcome.ExpiresOn);
        }

        // Where the secret has whitespace at its ends, for the message: "starts", "ends" or "starts and ends".
        // Only its first and last characters are looked at; the value itself goes nowhere.
        private static string? SecretPadding(ConnectionOptions connection)
        {
            var secret = connection.RevealSecret();
            if (secret.Length == 0)
            {
                return null;
            }

            var starts = char.IsWhiteSpace(secret[0]);
            var ends = char.IsWhiteSpace(secret[secret.Length - 1]);
            return starts && ends ? "starts and ends" : starts ? "starts" : ends ? "ends" : null;
        }

        private static List<string> MissingEntraClaims(TokenClaims claims)
        {
            var missing = new List<string>();
            if (string.IsNullOrEmpty(claims.Audience))
            {
                missing.Add("aud");
            }

            if (string.IsNullOrEmpty(claims.TenantId))
            {
                missing.Add("tid");
            }

            if (string.IsNullOrEmpty(claims.AppId))
            {
                missing.Add("appid or azp");
            }

            if (!claims.ExpiresOn.HasValue)
            {
                missing.Add("exp");
            }

            return missing;
        }

        // A v1 token names the resource it was requested for; a v2 token names the Power BI service's app id,
        // which is the same in every cloud.
        private static bool IsPowerBiAudience(string audience, string resource)
        {
            return string.Equals(audience.TrimEnd('/'), resource, StringComparison.OrdinalIgnoreCase) ||
                string.Equals(audience, PowerBiServiceAppId, StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>Causes that never reached Entra ID's token endpoint, named by the credential kind.</summary>
        private static CheckResult? JudgeLocalFailure(PreflightSession session, Exception failure, CheckResult result)
        {
            var redactor = session.Redactor;
            var unavailable = failure as FederatedTokenUnavailableException ??
                failure.InnerException as FederatedTokenUnavailableException;
            if (unavailable != null)
            {
                result.HttpStatus = unavailable.Status;
                return result.Apply(DiagnosisCatalog.FederatedTokenUnavailable, redactor.Redact(unavailable.Message));
            }

            var msal = failure as MsalException;
            if (session.Connection.Credential is ManagedIdentityCredential && msal != null)
            {
                result.ErrorCode = msal.ErrorCode;
                return result.Apply(DiagnosisCatalog.ManagedIdentityUnavailable, redactor.Redact(msal.Message));
            }

            // MSAL stops polling once the code's own lifetime is over, before Entra ID can say expired_token.
            if (session.Connection.Credential is DeviceCodeCredential && msal != null &&
                string.Equals(msal.ErrorCode, MsalError.CodeExpired, StringComparison.Ordinal))
            {
                result.ErrorCode = msal.ErrorCode;
                return result.Apply(DiagnosisCatalog.DeviceCodeExpired);
            }

            if (session.Connection.Credential is UserPasswordCredential user && msal != null &&
                IsFederatedAccountFailure(msal))
            {
                result.ErrorCode = msal.ErrorCode;
                return result.Apply(DiagnosisCatalog.FederatedAccountNotSupported, user.UserName);
            }

            if (session.Connection.Credential is UserPasswordCredential unknown && msal != null &&
                string.Equals(msal.ErrorCode, MsalError.UnknownUserType, StringComparison.Ordinal))
            {
                result.ErrorCode = msal.ErrorCode;
                return result.Apply(DiagnosisCatalog.UserDomainUnknown, unknown.UserName);
            }

            return null;
        }

        // MSAL signs a federated account in through the identity provider's WS-Trust endpoint, which it finds
        // from the realm's metadata; any failure on that path means the account is not Entra ID's to sign in.
        private static bool IsFederatedAccountFailure(MsalException msal)
        {
            var code = msal.ErrorCode ?? string.Empty;
            return code.IndexOf("ws_", StringComparison.OrdinalIgnoreCase) >= 0 ||
                code.IndexOf("wstrust", StringComparison.OrdinalIgnoreCase) >= 0 ||
                code.IndexOf("federat", StringComparison.OrdinalIgnoreCase) >= 0 ||
                code.IndexOf("mex", StringComparison.OrdinalIgnoreCase) >= 0;
        }
    }
}
