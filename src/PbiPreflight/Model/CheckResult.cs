using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace PbiPreflight
{
    /// <summary>How a check ended.</summary>
    public enum CheckStatus
    {
        /// <summary>The crawl will get what this check asked for.</summary>
        Passed,

        /// <summary>The crawl can run, but will miss something or may fail later.</summary>
        Warning,

        /// <summary>The crawl will fail at this step.</summary>
        Failed,

        /// <summary>The check could not run because an earlier one failed or nothing was left to check.</summary>
        Skipped,
    }

    /// <summary>
    /// One check's verdict: what was found, why, and what to change. Built by the engine only; scripts read it,
    /// filter on <see cref="Status"/> and <see cref="Reason"/>, and export it.
    /// </summary>
    public sealed class CheckResult
    {
        internal CheckResult(string check, string tenantId)
        {
            Check = check;
            TenantId = tenantId;
            Timestamp = DateTimeOffset.UtcNow;
        }

        /// <summary>The check's stable id: <c>CredentialScope</c>, <c>WorkspacePermission</c>,
        /// <c>MetadataScan</c>, <c>Refreshables</c>, or a dotted sub-check id.</summary>
        public string Check { get; }

        /// <summary>How the check ended.</summary>
        public CheckStatus Status { get; internal set; }

        /// <summary>A stable diagnosis id from the catalog, such as <c>InvalidClientSecret</c>.</summary>
        public string Reason { get; internal set; } = string.Empty;

        /// <summary>One sentence for a person.</summary>
        public string Message { get; internal set; } = string.Empty;

        /// <summary>What the admin changes, in the portal's terms; empty when nothing needs changing.</summary>
        public string Remediation { get; internal set; } = string.Empty;

        /// <summary>The code the service returned, verbatim: <c>AADSTS7000215</c>,
        /// <c>PowerBINotAuthorizedException</c>.</summary>
        public string? ErrorCode { get; internal set; }

        /// <summary>The HTTP status of the answer that decided the check, when there was one.</summary>
        public int? HttpStatus { get; internal set; }

        /// <summary>Power BI's <c>RequestId</c> header, or Entra's <c>x-ms-request-id</c>.</summary>
        public string? RequestId { get; internal set; }

        /// <summary>Entra ID's trace id.</summary>
        public string? TraceId { get; internal set; }

        /// <summary>Entra ID's correlation id.</summary>
        public string? CorrelationId { get; internal set; }

        /// <summary>
        /// The portal page where the fix is made, in the chosen cloud's portal (such as the app registration's
        /// Certificates &amp; secrets), when there is one.
        /// </summary>
        public string? HelpUri { get; internal set; }

        // Which portal page HelpUri links, kept as the diagnosis said it until the engine knows the cloud and app.
        internal PortalPage Page { get; set; }

        /// <summary>The service's body as one line, secrets redacted, cut at a few kilobytes.</summary>
        public string? Response { get; internal set; }

        /// <summary>The tenant as the caller named it.</summary>
        public string TenantId { get; }

        /// <summary>How long the check took.</summary>
        public TimeSpan Duration { get; internal set; }

        /// <summary>When the check started, in UTC.</summary>
        public DateTimeOffset Timestamp { get; internal set; }

        /// <summary>Check-specific facts: counts, sampled ids, token claims. Never a token or a secret.</summary>
        public CheckDetails Details { get; } = new CheckDetails();

        /// <summary>
        /// The one-line form that catalog admins know from the catalogs' own preflight, such as
        /// <c>Credentials Scopes: Failed with response{...}#STATUS:401</c>.
        /// </summary>
        public override string ToString()
        {
            var label = Messages.CheckLabel(Check);
            switch (Status)
            {
                case CheckStatus.Passed:
                    return label + ": Check successful";
                case CheckStatus.Failed when HttpStatus.HasValue && !string.IsNullOrEmpty(Response):
                    return label + ": Failed with response" + Response + "#STATUS:" +
                        HttpStatus.Value.ToString(CultureInfo.InvariantCulture);
                case CheckStatus.Failed:
                    return label + ": " + Message;
                default:
                    return label + ": " + Status + ": " + Message;
            }
        }
    }

    /// <summary>
    /// Check-specific facts by name. A dictionary so that ConvertTo-Json nests it; its text form is one line so
    /// that Export-Csv and Format-Table show the facts rather than a type name.
    /// </summary>
    public sealed class CheckDetails : Dictionary<string, object?>
    {
        internal CheckDetails()
            : base(StringComparer.OrdinalIgnoreCase)
        {
        }

        /// <summary>The facts as <c>name=value</c> pairs separated by semicolons.</summary>
        public override string ToString()
        {
            return string.Join("; ", this.Select(pair => pair.Key + "=" + Describe(pair.Value)));
        }

        private static string Describe(object? value)
        {
            switch (value)
            {
                case null:
                    return string.Empty;
                case string text:
                    return text;
                case DateTimeOffset moment:
                    return moment.ToString("o", CultureInfo.InvariantCulture);
                case System.Collections.IEnumerable items:
                    return string.Join(",", items.Cast<object?>().Select(Describe));
                case IFormattable formattable:
                    return formattable.ToString(null, CultureInfo.InvariantCulture);
                default:
                    return value.ToString() ?? string.Empty;
            }
        }
    }
}
