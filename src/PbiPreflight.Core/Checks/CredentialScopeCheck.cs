using System;
using System.Diagnostics;
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
            if (outcome.Succeeded)
            {
                var claims = outcome.Claims;
                result.Details["TokenTenantId"] = claims?.TenantId;
                result.Details["AppId"] = claims?.AppId;
                result.Details["ObjectId"] = claims?.ObjectId;
                result.Details["Audience"] = claims?.Audience;
                result.Details["Roles"] = claims?.Roles;
                result.Details["Scopes"] = claims?.Scopes;
                result.Details["ExpiresOn"] = outcome.ExpiresOn;
                result.Details["Scope"] = connection.Endpoints.DefaultScope;

                var forbidden = claims?.ForbiddenRoles;
                return forbidden is { Count: > 0 }
                    ? result.Apply(DiagnosisCatalog.AdminConsentPermissionsPresent, string.Join(", ", forbidden))
                    : result.Apply(
                        DiagnosisCatalog.TokenAcquired,
                        claims?.AppId ?? connection.ClientId,
                        claims?.TenantId ?? connection.TenantId,
                        outcome.ExpiresOn);
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
                return result.Apply(diagnosis, session.Redactor.Redact(error.Summary ?? error.Error ?? string.Empty));
            }

            var host = connection.Endpoints.AuthorityHost.GetLeftPart(UriPartial.Authority);
            if (outcome.HttpStatus.HasValue)
            {
                // An answer came, but from a proxy, a portal or a wrong host rather than from Entra ID.
                return result.Apply(DiagnosisCatalog.UnexpectedAuthorityResponse, host, outcome.HttpStatus.Value);
            }

            // No answer at all: the host was unreachable, or MSAL refused before asking.
            var failure = outcome.Failure ?? new InvalidOperationException("No token and no error came back.");
            result.ErrorCode = (failure as Microsoft.Identity.Client.MsalException)?.ErrorCode;
            return result.JudgeUnreachable(
                failure,
                "The sign-in service",
                connection.Endpoints.AuthorityHost,
                session.Tls,
                session.Redactor,
                DiagnosisCatalog.AuthorityUnreachable,
                session.Request.Proxy);
        }

    }
}
