using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace PbiPreflight.Reports
{
    /// <summary>
    /// Writes check results as a report. Everything in a report comes from the results themselves: no clock, host
    /// name, user or path is added, so the same results always give the same bytes.
    /// </summary>
    public static class ReportWriter
    {
        /// <summary>
        /// Writes <paramref name="results"/> to <paramref name="destination"/> in <paramref name="format"/>, as
        /// UTF-8 without a byte order mark. The stream is left open; the caller owns it.
        /// </summary>
        public static void Write(IEnumerable<CheckResult> results, ReportFormat format, Stream destination)
        {
            if (results is null)
            {
                throw new ArgumentNullException(nameof(results));
            }

            if (destination is null)
            {
                throw new ArgumentNullException(nameof(destination));
            }

            var model = new ReportModel(results.Where(result => result != null).ToList());
            switch (format)
            {
                case ReportFormat.Html:
                    HtmlReportWriter.Write(model, destination);
                    break;
                case ReportFormat.Markdown:
                    MarkdownReportWriter.Write(model, destination);
                    break;
                case ReportFormat.JUnit:
                    JUnitReportWriter.Write(model, destination);
                    break;
                case ReportFormat.Json:
                    JsonReportWriter.Write(model, destination);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown report format.");
            }
        }
    }
}
