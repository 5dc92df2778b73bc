using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using PbiPreflight.Http;
using PbiPreflight.Identity;

namespace PbiPreflight.Diagnosis
{
    /// <summary>Which side of Power BI an answer came from; the same status means different things on each.</summary>
    internal enum ApiKind
    {
        /// <summary>The public API, governed by the developer setting for service principals.</summary>
        Public,

        /// <summary>The read-only admin API, scanner included, governed by the admin API setting.</summary>
        Admin,
    }

    /// <summary>Turns what a service answered into a result's status, reason, message and raw evidence.</summary>
    internal static class Verdicts
    {
        /// <summary>How much of a body a result keeps.</summary>
        public const int ResponseCharacters = 4096;

        /// <summary>How much of an unexpected body a message quotes.</summary>
        public const int QuotedCharacters = 300;

        public static CheckResult Apply(this CheckResult result, Diagnosis diagnosis, params object?[] values)
        {
            result.Status = diagnosis.Status;
            result.Reason = diagnosis.Reason;
            result.Message = values.Length == 0
                ? diagnosis.Message
                : string.Format(CultureInfo.InvariantCulture, diagnosis.Message, values);

            // A few remediations name the values too (the cloud or tenant to switch to); the rest hold no slots.
            result.Remediation = values.Length == 0 || diagnosis.Remediation.IndexOf('{') < 0
                ? diagnosis.Remediation
                : string.Format(CultureInfo.InvariantCulture, diagnosis.Remediation, values);

            result.Page = diagnosis.Page;
            return result;
        }

        /// <summary>Copies the raw evidence of an answer: status, request id, code and the redacted body.</summary>
        public static CheckResult WithEvidence(this CheckResult result, ApiResponse response, SecretRedactor redactor)
        {
            result.HttpStatus = response.Status == 0 ? (int?)null : response.Status;
            result.RequestId = response.RequestId;
            var body = RedactThenCut(response.BodyText(ResponseCharacters * 2), redactor);
            result.Response = body.Length == 0 ? null : body;
            if (!response.IsSuccess && response.Status != 0)
            {
                result.ErrorCode = PowerBiError.Read(response).Code;
            }

            return result;
        }

        /// <summary>
        /// Judges a Power BI answer that the check could not use: refused, throttled, failed, unreadable or
        /// absent. <paramref name="claims"/> lets a refusal be traced to the token's own permissions.
        /// </summary>
        public static CheckResult JudgeFailure(
            this CheckResult result,
            ApiResponse response,
            ApiKind kind,
            TokenClaims? claims,
            Uri apiBase,
            SecretRedactor redactor,
            TlsObserver? tls = null,
            System.Net.IWebProxy? proxy = null)
        {
            result.WithEvidence(response, redactor);
            var operation = response.Operation;
            if (response.TransportFailure is TokenUnavailableException refused)
            {
                return result.Apply(DiagnosisCatalog.TokenRenewalFailed, operation, refused.Message);
            }

            if (response.TransportFailure != null)
            {
                return result.JudgeUnreachable(
                    response.TransportFailure,
                    "The service",
                    apiBase,
                    tls,
                    redactor,
                    DiagnosisCatalog.ApiUnreachable,
                    proxy);
            }

            var error = PowerBiError.Read(response);
            var status = response.Status;
            if ((status == 401 || status == 403) &&
                string.Equals(error.Code, "TokenExpired", StringComparison.OrdinalIgnoreCase))
            {
                return result.Apply(DiagnosisCatalog.TokenExpired);
            }

            if (status == 401 || status == 403)
            {
                // An empty 401 body means the same as PowerBINotAuthorizedException; both are seen in the wild.
                if (kind == ApiKind.Public)
                {
                    return result.Apply(DiagnosisCatalog.PublicApiNotAuthorized);
                }

                var forbidden = claims?.ForbiddenRoles;
                if (forbidden is { Count: > 0 })
                {
                    return result.Apply(
                        DiagnosisCatalog.AdminConsentPermissionsBlockAdminApi,
                        operation,
                        string.Join(", ", forbidden));
                }

                return claims?.IdentityType == "user"
                    ? result.Apply(
                        DiagnosisCatalog.UserNotFabricAdministrator,
                        operation,
                        claims.UserPrincipalName ?? claims.ObjectId)
                    : result.Apply(DiagnosisCatalog.AdminApiNotAuthorized, operation);
            }

            if (status == 429)
            {
                return result.Apply(DiagnosisCatalog.Throttled, operation, ComeBackAt(response.RetryAfter));
            }

            if (status >= 500)
            {
                return result.Apply(DiagnosisCatalog.ServiceError, operation + " answered " + status);
            }

            if (status >= 400)
            {
                return result.Apply(
                    DiagnosisCatalog.RequestRejected,
                    operation,
                    status + (error.Code is null ? string.Empty : " " + error.Code));
            }

            response.TryParseJson(out var problem)?.Dispose();
            return result.Apply(
                DiagnosisCatalog.UnexpectedResponse,
                operation,
                status,
                problem ?? "a body it could not use");
        }

        /// <summary>No answer came: names the network cause, keeping the exception's own text as detail.</summary>
        public static CheckResult JudgeUnreachable(
            this CheckResult result,
            Exception failure,
            string service,
            Uri target,
            TlsObserver? tls,
            SecretRedactor redactor,
            Diagnosis unnamed,
            System.Net.IWebProxy? proxy = null)
        {
            var host = target.GetLeftPart(UriPartial.Authority);
            var detail = redactor.Redact(Describe(failure));
            var diagnosis = NetworkFailure.Classify(failure, tls, target);

            // Through a proxy, a connection that cannot be made is a connection to the proxy.
            var viaProxy = ProxyFor(proxy, target);
            var unreachable = diagnosis == DiagnosisCatalog.ConnectionRefused ||
                diagnosis == DiagnosisCatalog.NameResolutionFailed;
            if (viaProxy != null && unreachable)
            {
                return result.Apply(DiagnosisCatalog.ProxyUnreachable, viaProxy, service, host, detail);
            }

            // The fallback diagnoses take the host and the detail only.
            return diagnosis is null
                ? result.Apply(unnamed, host, detail)
                : result.Apply(diagnosis, service, host, detail);
        }

        private static string? ProxyFor(System.Net.IWebProxy? proxy, Uri target)
        {
            if (proxy is null || proxy.IsBypassed(target))
            {
                return null;
            }

            var address = proxy.GetProxy(target);
            return address is null || address == target
                ? null
                : address.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);
        }

        /// <summary>An answer that parsed but lacks what the check reads.</summary>
        public static CheckResult JudgeShape(
            this CheckResult result,
            ApiResponse response,
            string whatIsMissing,
            SecretRedactor redactor)
        {
            return result.WithEvidence(response, redactor)
                .Apply(DiagnosisCatalog.UnexpectedResponse, response.Operation, response.Status, whatIsMissing);
        }

        /// <summary>
        /// Redacts before cutting: a secret or token that straddles the cut would otherwise leave its first
        /// half behind, no longer recognisable.
        /// </summary>
        public static string RedactThenCut(string text, SecretRedactor redactor)
        {
            var redacted = redactor.Redact(text.Replace("\r", " ").Replace("\n", " ").Trim());
            return redacted.Length > ResponseCharacters ? redacted.Substring(0, ResponseCharacters) + "..." : redacted;
        }

        public static string Describe(Exception error)
        {
            // The innermost message names the real cause (a socket error, a certificate problem); one that only
            // repeats an outer message ("Connection refused" inside "Connection refused (host:443)") is left out.
            var parts = new List<string>();
            for (var current = error; current != null; current = current.InnerException)
            {
                var text = current.Message.Trim();
                if (text.Length > 0 && !parts.Any(part => part.IndexOf(text, StringComparison.OrdinalIgnoreCase) >= 0))
                {
                    parts.Add(text);
                }
            }

            var message = string.Join(" ", parts);

            return error is Polly.Timeout.TimeoutRejectedException ? "the request timed out. " + message : message;
        }

        private static string ComeBackAt(TimeSpan? retryAfter)
        {
            if (retryAfter is null)
            {
                return "The service named no time to come back.";
            }

            var when = DateTimeOffset.UtcNow + retryAfter.Value;
            return string.Format(
                CultureInfo.InvariantCulture,
                "It asks to wait {0:0} s, until {1:u}.",
                retryAfter.Value.TotalSeconds,
                when);
        }
    }
}
