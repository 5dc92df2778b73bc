using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace PbiPreflight.Reports
{
    /// <summary>
    /// Markdown for tickets and wikis (GitHub, Azure DevOps): a summary table of the tenants, then one table per
    /// tenant, failures first, and the longer support facts (trace ids, the service's answer) under it. Text from
    /// the results is escaped so that it stays text: pipes cannot split a cell, line breaks become &lt;br&gt;,
    /// and markup or emphasis characters are shown as typed.
    /// </summary>
    internal static class MarkdownReportWriter
    {
        private static readonly string[] TenantColumns =
        {
            ReportText.Tenant, ReportText.Verdict, "Failed", "Warnings", "Passed", "Skipped",
        };

        private static readonly string[] ResultColumns =
        {
            ReportText.Status, ReportText.Check, ReportText.Reason, ReportText.Message, ReportText.WhatToDo,
            ReportText.ErrorCode, "HTTP", ReportText.RequestId,
        };

        public static void Write(ReportModel model, Stream destination)
        {
            using var writer = new StreamWriter(destination, new UTF8Encoding(false), 16 * 1024, leaveOpen: true);
            writer.NewLine = "\n";

            writer.WriteLine("# " + Escape(ReportText.Title));
            writer.WriteLine();
            writer.WriteLine(Escape(ReportText.Summary(model)));
            writer.WriteLine();
            WriteRow(writer, TenantColumns);
            WriteRow(writer, TenantColumns.Select(_ => "---"), escape: false);
            foreach (var tenant in model.TenantsBySeverity)
            {
                WriteRow(writer, new[]
                {
                    ReportText.TenantName(tenant.TenantId),
                    tenant.Verdict.ToString(),
                    Number(tenant.Count(CheckStatus.Failed)),
                    Number(tenant.Count(CheckStatus.Warning)),
                    Number(tenant.Count(CheckStatus.Passed)),
                    Number(tenant.Count(CheckStatus.Skipped)),
                });
            }

            foreach (var tenant in model.TenantsBySeverity)
            {
                WriteTenant(writer, tenant);
            }

            writer.Flush();
        }

        private static void WriteTenant(TextWriter writer, TenantReport tenant)
        {
            writer.WriteLine();
            writer.WriteLine("## " + Escape(ReportText.TenantName(tenant.TenantId)) + ": " + tenant.Verdict);
            writer.WriteLine();
            writer.WriteLine(Escape(
                ReportText.Counts(tenant) + ". " + ReportText.Started + " " + ReportText.Moment(tenant.Earliest) +
                ", " + ReportText.Seconds(tenant.TotalDuration) + " in all."));
            writer.WriteLine();
            WriteRow(writer, ResultColumns);
            WriteRow(writer, ResultColumns.Select(_ => "---"), escape: false);
            foreach (var result in tenant.BySeverity)
            {
                WriteRow(writer, new[]
                {
                    result.Status.ToString(),
                    result.Check,
                    result.Reason,
                    result.Message,
                    result.Remediation,
                    result.ErrorCode,
                    result.HttpStatus?.ToString(CultureInfo.InvariantCulture),
                    result.RequestId,
                });
            }

            var needingSupport = tenant.BySeverity
                .Where(result => result.Status != CheckStatus.Passed)
                .Where(result => !string.IsNullOrEmpty(result.TraceId) ||
                    !string.IsNullOrEmpty(result.CorrelationId) || !string.IsNullOrEmpty(result.Response))
                .ToList();
            if (needingSupport.Count == 0)
            {
                return;
            }

            writer.WriteLine();
            writer.WriteLine("### For support");
            foreach (var result in needingSupport)
            {
                WriteSupport(writer, result);
            }
        }

        private static void WriteSupport(TextWriter writer, CheckResult result)
        {
            writer.WriteLine();
            writer.WriteLine("**" + Escape(result.Check) + "** (" + result.Status + ", " + Escape(result.Reason) + ")");
            writer.WriteLine();
            foreach (var fact in ReportText.SupportFacts(result))
            {
                writer.WriteLine("- " + Escape(fact.Key) + ": " + Escape(fact.Value));
            }

            writer.WriteLine("- " + ReportText.Started + ": " + Escape(ReportText.Moment(result.Timestamp)));
            if (string.IsNullOrEmpty(result.Response))
            {
                return;
            }

            // A fenced block shows the body exactly as it came; its fence is longer than any run of backticks in
            // the body, so nothing in the body can close it.
            var body = ReportText.Clean(result.Response);
            var fence = new string('`', System.Math.Max(3, LongestRun(body, '`') + 1));
            writer.WriteLine();
            writer.WriteLine(fence + "text");
            writer.WriteLine(body.Replace("\r\n", "\n").Replace('\r', '\n'));
            writer.WriteLine(fence);
        }

        private static void WriteRow(TextWriter writer, IEnumerable<string?> cells, bool escape = true)
        {
            writer.WriteLine("| " + string.Join(" | ", cells.Select(cell => escape ? Escape(cell) : cell)) + " |");
        }

        /// <summary>
        /// Text that renders as itself in a table cell or a line: characters with a meaning in Markdown or HTML
        /// get a backslash (which CommonMark allows before any ASCII punctuation), and line breaks become
        /// &lt;br&gt; so that a cell stays on its row.
        /// </summary>
        internal static string Escape(string? text)
        {
            var clean = ReportText.Clean(text).Replace("\r\n", "\n").Replace('\r', '\n').Trim();
            var escaped = new StringBuilder(clean.Length + 16);
            foreach (var character in clean)
            {
                switch (character)
                {
                    case '\n':
                        escaped.Append("<br>");
                        break;
                    case '\t':
                        escaped.Append(' ');
                        break;
                    case '\\':
                    case '`':
                    case '*':
                    case '_':
                    case '[':
                    case ']':
                    case '|':
                    case '<':
                    case '>':
                    case '&':
                    case '~':
                    case '#':
                    case '!':
                        escaped.Append('\\').Append(character);
                        break;
                    default:
                        escaped.Append(character);
                        break;
                }
            }

            return escaped.ToString();
        }

        private static int LongestRun(string text, char character)
        {
            int longest = 0, current = 0;
            foreach (var each in text)
            {
                current = each == character ? current + 1 : 0;
                longest = System.Math.Max(longest, current);
            }

            return longest;
        }

        private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
