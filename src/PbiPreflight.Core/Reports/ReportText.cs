using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace PbiPreflight.Reports
{
    /// <summary>The words the reports use, and the text forms every format shares.</summary>
    internal static class ReportText
    {
        public const string Title = "Power BI preflight report";
        public const string Footer = "Written by PbiPreflight from the check results given to it.";
        public const string WhatToDo = "What to do";
        public const string ErrorCode = "Error code";
        public const string HttpStatus = "HTTP status";
        public const string RequestId = "Request id";
        public const string TraceId = "Trace id";
        public const string CorrelationId = "Correlation id";
        public const string Started = "Started";
        public const string Duration = "Duration";
        public const string Response = "Service response";
        public const string Details = "Details";
        public const string Tenant = "Tenant";
        public const string Verdict = "Verdict";
        public const string Check = "Check";
        public const string Status = "Status";
        public const string Reason = "Reason";
        public const string Message = "Message";
        public const string Codes = "Codes";
        public const string NoTenant = "(no tenant)";

        /// <summary>Headings of the groups within a tenant, in the order they appear.</summary>
        public static string GroupHeading(CheckStatus status)
        {
            switch (status)
            {
                case CheckStatus.Failed:
                    return "Failed";
                case CheckStatus.Warning:
                    return "Warnings";
                case CheckStatus.Skipped:
                    return "Skipped";
                default:
                    return "Passed";
            }
        }

        /// <summary>Such as "2 failed, 1 warning, 9 passed, 1 skipped".</summary>
        public static string Counts(int failed, int warnings, int passed, int skipped)
        {
            return string.Join(
                ", ",
                failed.ToString(CultureInfo.InvariantCulture) + " failed",
                warnings.ToString(CultureInfo.InvariantCulture) + (warnings == 1 ? " warning" : " warnings"),
                passed.ToString(CultureInfo.InvariantCulture) + " passed",
                skipped.ToString(CultureInfo.InvariantCulture) + " skipped");
        }

        public static string Counts(TenantReport tenant)
        {
            return Counts(
                tenant.Count(CheckStatus.Failed),
                tenant.Count(CheckStatus.Warning),
                tenant.Count(CheckStatus.Passed),
                tenant.Count(CheckStatus.Skipped));
        }

        /// <summary>The report's opening sentence, from the results alone.</summary>
        public static string Summary(ReportModel model)
        {
            var tenants = model.Tenants.Count;
            var text = new StringBuilder()
                .Append(tenants.ToString(CultureInfo.InvariantCulture))
                .Append(tenants == 1 ? " tenant: " : " tenants: ")
                .Append(model.TenantCount(CheckStatus.Failed).ToString(CultureInfo.InvariantCulture))
                .Append(" failing, ")
                .Append(model.TenantCount(CheckStatus.Warning).ToString(CultureInfo.InvariantCulture))
                .Append(" with warnings, ")
                .Append(model.TenantCount(CheckStatus.Passed).ToString(CultureInfo.InvariantCulture))
                .Append(" passing. ")
                .Append(model.Results.Count.ToString(CultureInfo.InvariantCulture))
                .Append(model.Results.Count == 1 ? " check: " : " checks: ")
                .Append(Counts(
                    model.Count(CheckStatus.Failed),
                    model.Count(CheckStatus.Warning),
                    model.Count(CheckStatus.Passed),
                    model.Count(CheckStatus.Skipped)))
                .Append('.');
            if (model.Earliest is { } earliest && model.Latest is { } latest)
            {
                text.Append(" Run between ").Append(Moment(earliest))
                    .Append(" and ").Append(Moment(latest)).Append('.');
            }

            return text.ToString();
        }

        public static string TenantName(string tenantId) => tenantId.Length == 0 ? NoTenant : tenantId;

        /// <summary>A moment in UTC to the second, such as "2025-03-01 09:30:00 UTC".</summary>
        public static string Moment(DateTimeOffset moment)
        {
            return moment.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";
        }

        /// <summary>A duration a person reads, such as "1.25 s".</summary>
        public static string Seconds(TimeSpan duration)
        {
            return duration.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture) + " s";
        }

        /// <summary>
        /// The text with every character that XML 1.0 cannot carry replaced by U+FFFD: control characters other
        /// than tab and line breaks, halves of surrogate pairs, U+FFFE and U+FFFF. Results carry service bodies,
        /// which may hold anything; a report must still be well-formed.
        /// </summary>
        public static string Clean(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return string.Empty;
            }

            StringBuilder? cleaned = null;
            for (var index = 0; index < text!.Length; index++)
            {
                var character = text[index];
                var keep = IsAllowed(character);
                var pairLength = 1;
                if (char.IsHighSurrogate(character) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
                {
                    keep = true;
                    pairLength = 2;
                }

                if (!keep && cleaned is null)
                {
                    cleaned = new StringBuilder(text.Length).Append(text, 0, index);
                }

                if (cleaned != null)
                {
                    cleaned.Append(keep ? text.Substring(index, pairLength) : "\uFFFD");
                }

                index += pairLength - 1;
            }

            return cleaned?.ToString() ?? text;
        }

        private static bool IsAllowed(char character)
        {
            if (character == '\t' || character == '\n' || character == '\r')
            {
                return true;
            }

            return character >= ' ' && !char.IsSurrogate(character) && character != '\uFFFE' && character != '\uFFFF';
        }

        /// <summary>A detail's value as one line: lists joined with commas, moments in ISO 8601.</summary>
        public static string Describe(object? value)
        {
            switch (value)
            {
                case null:
                    return string.Empty;
                case string text:
                    return Clean(text);
                case bool flag:
                    return flag ? "true" : "false";
                case DateTimeOffset moment:
                    return moment.ToString("o", CultureInfo.InvariantCulture);
                case DateTime moment:
                    return moment.ToString("o", CultureInfo.InvariantCulture);
                case IDictionary map:
                    return string.Join(
                        ", ",
                        map.Keys.Cast<object>().Select(key => Describe(key) + "=" + Describe(map[key])));
                case IEnumerable items:
                    return string.Join(", ", items.Cast<object?>().Select(Describe));
                case IFormattable formattable:
                    return Clean(formattable.ToString(null, CultureInfo.InvariantCulture));
                default:
                    return Clean(value.ToString());
            }
        }

        /// <summary>
        /// A result's details by name, so that a report does not depend on the order they were added in, which a
        /// result loses when it goes through Export-Clixml or a remote session.
        /// </summary>
        public static IEnumerable<KeyValuePair<string, object?>> SortedDetails(CheckResult result)
        {
            return result.Details.OrderBy(pair => pair.Key, StringComparer.OrdinalIgnoreCase);
        }

        /// <summary>The support facts a result carries, in the order support asks for them.</summary>
        public static IEnumerable<KeyValuePair<string, string>> SupportFacts(CheckResult result)
        {
            var facts = new List<KeyValuePair<string, string>>();
            void Add(string label, string? value)
            {
                if (!string.IsNullOrEmpty(value))
                {
                    facts.Add(new KeyValuePair<string, string>(label, Clean(value)));
                }
            }

            Add(ErrorCode, result.ErrorCode);
            Add(HttpStatus, result.HttpStatus?.ToString(CultureInfo.InvariantCulture));
            Add(RequestId, result.RequestId);
            Add(TraceId, result.TraceId);
            Add(CorrelationId, result.CorrelationId);
            return facts;
        }
    }
}
