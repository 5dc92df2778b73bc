using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace PbiPreflight.Reports
{
    /// <summary>
    /// One self-contained HTML page: a summary of every tenant, then one section per tenant with its failures and
    /// warnings as cards (message, what to do, the codes support asks for), then skipped and passed checks as
    /// tables. The style sheet is inline and there is no script, so the page reads the same opened from disk or
    /// attached to a mail.
    /// </summary>
    internal static class HtmlReportWriter
    {
        // Kept short and conservative: mail clients and print both read it.
        private const string StyleSheet = @"
body { margin: 0; background: #f6f7f9; color: #1d2939; font: 15px/1.5 ""Segoe UI"", system-ui, -apple-system,
  ""Helvetica Neue"", Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 0 0 4px; display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
h3 { font-size: 15px; margin: 0; }
h4 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: #475467; margin: 20px 0 8px; }
.lead { color: #475467; margin: 0 0 16px; }
.tenant { background: #fff; border: 1px solid #e4e7ec; border-radius: 8px; padding: 20px; margin: 20px 0; }
.counts { color: #475467; margin: 0 0 8px; }
.badge { display: inline-block; border-radius: 999px; padding: 1px 10px; font-size: 12px; font-weight: 600;
  white-space: nowrap; }
.badge.failed { background: #fee4e2; color: #b42318; }
.badge.warning { background: #fef0c7; color: #93370d; }
.badge.passed { background: #d1fadf; color: #05603a; }
.badge.skipped { background: #eaecf0; color: #344054; }
.result { border: 1px solid #e4e7ec; border-left-width: 5px; border-radius: 6px; padding: 12px 16px; margin: 10px 0; }
.result.failed { border-left-color: #d92d20; }
.result.warning { border-left-color: #f79009; }
.result h3 { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.check { font-family: ui-monospace, Consolas, ""Liberation Mono"", monospace; font-size: 14px; }
.reason { color: #475467; font-weight: 400; }
.message, .remedy p, td { white-space: pre-wrap; overflow-wrap: break-word; }
td .check { white-space: nowrap; }
td.codes { font-size: 12px; color: #475467; overflow-wrap: anywhere; min-width: 16em; }
.message { margin: 8px 0; }
.remedy { background: #eff8ff; border-radius: 6px; padding: 8px 12px; margin: 8px 0; }
.remedy strong { color: #175cd3; }
.remedy p { margin: 2px 0 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; font-size: 13px; }
dl.facts dt { color: #475467; }
dl.facts dd { margin: 0; font-family: ui-monospace, Consolas, ""Liberation Mono"", monospace; overflow-wrap: anywhere; }
details { margin: 6px 0; font-size: 13px; }
summary { cursor: pointer; color: #475467; }
pre { background: #f2f4f7; border-radius: 4px; padding: 8px; white-space: pre-wrap; overflow-wrap: anywhere;
  margin: 6px 0; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid #e4e7ec; }
th { color: #475467; font-weight: 600; background: #f9fafb; }
td.num, th.num { text-align: right; }
footer { color: #667085; font-size: 12px; margin: 24px 0; }
@media print { body { background: #fff; } .tenant { break-inside: avoid-page; border: 0; padding: 0; } }
";

        public static void Write(ReportModel model, Stream destination)
        {
            using var writer = new StreamWriter(destination, new UTF8Encoding(false), 16 * 1024, leaveOpen: true);
            var html = new HtmlOutput(writer);

            html.Raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
            html.Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
            html.Element("title", ReportText.Title);
            html.Raw("\n<style>").Raw(StyleSheet).Raw("</style>\n</head>\n<body>\n<main>\n<header>\n");
            html.Element("h1", ReportText.Title);
            html.Element("p", ReportText.Summary(model), "lead");
            WriteOverview(html, model);
            html.Raw("</header>\n");

            var tenants = model.TenantsBySeverity;
            for (var index = 0; index < tenants.Count; index++)
            {
                WriteTenant(html, tenants[index], index);
            }

            html.Raw("<footer>");
            html.Text(ReportText.Footer);
            html.Raw("</footer>\n</main>\n</body>\n</html>\n");
            writer.Flush();
        }

        private static void WriteOverview(HtmlOutput html, ReportModel model)
        {
            html.Raw("<table class=\"overview\">\n<thead><tr>");
            html.Element("th", ReportText.Tenant).Element("th", ReportText.Verdict);
            foreach (var heading in new[] { "Failed", "Warnings", "Passed", "Skipped" })
            {
                html.Element("th", heading, "num");
            }

            html.Raw("</tr></thead>\n<tbody>\n");
            var tenants = model.TenantsBySeverity;
            for (var index = 0; index < tenants.Count; index++)
            {
                var tenant = tenants[index];
                html.Raw("<tr><td><a href=\"#").Text(AnchorOf(index)).Raw("\">");
                html.Text(ReportText.TenantName(tenant.TenantId)).Raw("</a></td><td>");
                Badge(html, tenant.Verdict);
                html.Raw("</td>");
                foreach (var status in new[] { CheckStatus.Failed, CheckStatus.Warning, CheckStatus.Passed,
                    CheckStatus.Skipped })
                {
                    html.Element("td", tenant.Count(status).ToString(CultureInfo.InvariantCulture), "num");
                }

                html.Raw("</tr>\n");
            }

            html.Raw("</tbody>\n</table>\n");
        }

        private static void WriteTenant(HtmlOutput html, TenantReport tenant, int index)
        {
            html.Raw("<section class=\"tenant\" id=\"").Text(AnchorOf(index)).Raw("\">\n<h2>");
            Badge(html, tenant.Verdict);
            html.Text(ReportText.TenantName(tenant.TenantId)).Raw("</h2>\n");
            html.Element(
                "p",
                ReportText.Counts(tenant) + ". " + ReportText.Started + " " + ReportText.Moment(tenant.Earliest) +
                ", " + ReportText.Seconds(tenant.TotalDuration) + " in all.",
                "counts");

            foreach (var group in tenant.BySeverity.GroupBy(result => result.Status))
            {
                html.Element("h4", ReportText.GroupHeading(group.Key));
                if (group.Key == CheckStatus.Failed || group.Key == CheckStatus.Warning)
                {
                    foreach (var result in group)
                    {
                        WriteCard(html, result);
                    }
                }
                else
                {
                    WriteTable(html, group);
                }
            }

            html.Raw("</section>\n");
        }

        private static void WriteCard(HtmlOutput html, CheckResult result)
        {
            html.Raw("<article class=\"result ").Raw(ClassOf(result.Status)).Raw("\">\n<h3>");
            Badge(html, result.Status);
            html.Element("span", result.Check, "check");
            html.Element("span", result.Reason, "reason");
            html.Raw("</h3>\n");
            html.Element("p", result.Message, "message");
            if (!string.IsNullOrWhiteSpace(result.Remediation))
            {
                html.Raw("<div class=\"remedy\">");
                html.Element("strong", ReportText.WhatToDo);
                html.Element("p", result.Remediation);
                html.Raw("</div>\n");
            }

            var facts = ReportText.SupportFacts(result).ToList();
            facts.Add(new KeyValuePair<string, string>(ReportText.Started, ReportText.Moment(result.Timestamp)));
            facts.Add(new KeyValuePair<string, string>(ReportText.Duration, ReportText.Seconds(result.Duration)));
            html.Raw("<dl class=\"facts\">");
            foreach (var fact in facts)
            {
                html.Element("dt", fact.Key);
                html.Element("dd", fact.Value);
            }

            html.Raw("</dl>\n");
            if (!string.IsNullOrEmpty(result.Response))
            {
                html.Raw("<details><summary>").Text(ReportText.Response).Raw("</summary>");
                html.Element("pre", result.Response!);
                html.Raw("</details>\n");
            }

            WriteDetails(html, result);
            html.Raw("</article>\n");
        }

        private static void WriteTable(HtmlOutput html, IEnumerable<CheckResult> results)
        {
            html.Raw("<table>\n<thead><tr>");
            foreach (var heading in new[] { ReportText.Check, ReportText.Reason, ReportText.Message, ReportText.Codes })
            {
                html.Element("th", heading);
            }

            html.Raw("</tr></thead>\n<tbody>\n");
            foreach (var result in results)
            {
                html.Raw("<tr><td>").Element("span", result.Check, "check").Raw("</td>");
                html.Element("td", result.Reason);
                html.Raw("<td>").Text(result.Message);
                WriteDetails(html, result);
                html.Raw("</td>");
                var codes = ReportText.SupportFacts(result).Select(fact => fact.Key + ": " + fact.Value);
                html.Element("td", string.Join("\n", codes), "codes");
                html.Raw("</tr>\n");
            }

            html.Raw("</tbody>\n</table>\n");
        }

        // The check's facts (counts, sampled ids, token claims) are folded away: useful to support, noise to
        // the first reader.
        private static void WriteDetails(HtmlOutput html, CheckResult result)
        {
            if (result.Details.Count == 0)
            {
                return;
            }

            html.Raw("<details><summary>").Text(ReportText.Details).Raw("</summary><dl class=\"facts\">");
            foreach (var pair in ReportText.SortedDetails(result))
            {
                html.Element("dt", pair.Key);
                html.Element("dd", ReportText.Describe(pair.Value));
            }

            html.Raw("</dl></details>");
        }

        private static void Badge(HtmlOutput html, CheckStatus status)
        {
            html.Element("span", status.ToString(), "badge " + ClassOf(status));
        }

        private static string ClassOf(CheckStatus status)
        {
            return status.ToString().ToLowerInvariant();
        }

        // Tenant ids go into text only; anchors are numbered so that no tenant text reaches an attribute's syntax.
        private static string AnchorOf(int index)
        {
            return "tenant-" + (index + 1).ToString(CultureInfo.InvariantCulture);
        }

        /// <summary>
        /// Writes markup: <see cref="Raw"/> takes only this class's own literals, and every other string goes
        /// through <see cref="Text"/>, which encodes it.
        /// </summary>
        private sealed class HtmlOutput
        {
            // Only what HTML gives a meaning to is encoded (and what is outside the Basic Multilingual Plane, as
            // references); other text, accents and scripts included, stays readable in the file.
            private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

            private readonly TextWriter writer;

            public HtmlOutput(TextWriter writer)
            {
                this.writer = writer;
            }

            public HtmlOutput Raw(string markup)
            {
                writer.Write(markup);
                return this;
            }

            public HtmlOutput Text(string? text)
            {
                Encoder.Encode(writer, ReportText.Clean(text));
                return this;
            }

            public HtmlOutput Element(string tag, string? text, string? cssClass = null)
            {
                writer.Write('<');
                writer.Write(tag);
                if (cssClass != null)
                {
                    writer.Write(" class=\"");
                    Text(cssClass);
                    writer.Write('"');
                }

                writer.Write('>');
                Text(text);
                writer.Write("</");
                writer.Write(tag);
                writer.Write('>');
                return this;
            }
        }
    }
}
