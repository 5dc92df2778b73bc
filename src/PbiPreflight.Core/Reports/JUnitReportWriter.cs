using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;

namespace PbiPreflight.Reports
{
    /// <summary>
    /// JUnit XML as the test publishers of Azure DevOps (PublishTestResults, JUnit format), GitHub Actions
    /// reporters and Jenkins read it: <c>testsuites</c>, one <c>testsuite</c> per tenant (named after it), one
    /// <c>testcase</c> per check, in the order the checks ran.
    /// </summary>
    /// <remarks>
    /// A test case is named after the check's id (<c>MetadataScan.DetailedMetadata</c>) and its class name is the
    /// tenant and the top-level check (<c>contoso_onmicrosoft_com.MetadataScan</c>): publishers that split class
    /// names at dots into package and class then show tenant, check family and check as three levels, and the
    /// same check of two tenants never shares a full name. A failed check is a <c>failure</c> whose message is
    /// the check's message, whose type is its reason and whose body holds the remediation and the support facts.
    /// A skipped check is <c>skipped</c>. A warning is not a failure: it passes, and its reason, message and
    /// remediation are in the case's <c>system-out</c>, starting with "Warning:", where publishers show a
    /// passed test's output; each suite also counts its warnings in a <c>warnings</c> property. <c>errors</c>
    /// is always 0: every outcome of a check, even "could not run", is a verdict rather than a crash.
    /// </remarks>
    internal static class JUnitReportWriter
    {
        private const string SuitesName = "PbiPreflight";

        public static void Write(ReportModel model, Stream destination)
        {
            var settings = new XmlWriterSettings
            {
                Encoding = new UTF8Encoding(false),
                Indent = true,
                IndentChars = "  ",
                NewLineChars = "\n",
                CloseOutput = false,
            };
            using var xml = XmlWriter.Create(destination, settings);

            xml.WriteStartDocument();
            xml.WriteStartElement("testsuites");
            xml.WriteAttributeString("name", SuitesName);
            WriteCounts(
                xml,
                model.Results.Count,
                model.Count(CheckStatus.Failed),
                model.Count(CheckStatus.Skipped),
                model.TotalDuration);
            if (model.Earliest is { } earliest)
            {
                xml.WriteAttributeString("timestamp", Timestamp(earliest));
            }

            for (var index = 0; index < model.Tenants.Count; index++)
            {
                WriteSuite(xml, model.Tenants[index], index);
            }

            xml.WriteEndElement();
            xml.WriteEndDocument();
            xml.Flush();
        }

        private static void WriteSuite(XmlWriter xml, TenantReport tenant, int index)
        {
            xml.WriteStartElement("testsuite");
            xml.WriteAttributeString("name", Text(ReportText.TenantName(tenant.TenantId)));
            xml.WriteAttributeString("id", index.ToString(CultureInfo.InvariantCulture));
            WriteCounts(
                xml,
                tenant.Results.Count,
                tenant.Count(CheckStatus.Failed),
                tenant.Count(CheckStatus.Skipped),
                tenant.TotalDuration);
            xml.WriteAttributeString("timestamp", Timestamp(tenant.Earliest));

            xml.WriteStartElement("properties");
            WriteProperty(xml, "tenantId", tenant.TenantId);
            WriteProperty(xml, "verdict", tenant.Verdict.ToString());
            WriteProperty(xml, "warnings", tenant.Count(CheckStatus.Warning).ToString(CultureInfo.InvariantCulture));
            xml.WriteEndElement();

            var className = ClassNamePrefix(tenant.TenantId);
            foreach (var result in tenant.Results)
            {
                WriteCase(xml, result, className);
            }

            xml.WriteEndElement();
        }

        private static void WriteCase(XmlWriter xml, CheckResult result, string classNamePrefix)
        {
            var check = Text(result.Check);
            xml.WriteStartElement("testcase");
            xml.WriteAttributeString("classname", classNamePrefix + "." + check.Split('.')[0]);
            xml.WriteAttributeString("name", check);
            xml.WriteAttributeString("time", Seconds(result.Duration));

            switch (result.Status)
            {
                case CheckStatus.Failed:
                    xml.WriteStartElement("failure");
                    xml.WriteAttributeString("message", Text(result.Message));
                    xml.WriteAttributeString("type", Text(result.Reason));
                    xml.WriteString(Body(result));
                    xml.WriteEndElement();
                    break;
                case CheckStatus.Skipped:
                    xml.WriteStartElement("skipped");
                    xml.WriteAttributeString("message", Text(result.Reason + ": " + result.Message));
                    xml.WriteEndElement();
                    break;
                case CheckStatus.Warning:
                    xml.WriteElementString("system-out", "Warning: " + Body(result));
                    break;
                default:
                    xml.WriteElementString("system-out", Text(result.Reason + ": " + result.Message));
                    break;
            }

            xml.WriteEndElement();
        }

        // The text a publisher shows under a failure (Azure DevOps: "Stack trace"): what happened, what to do,
        // then what support asks for.
        private static string Body(CheckResult result)
        {
            var body = new StringBuilder()
                .Append(result.Reason).Append(": ").Append(result.Message).Append('\n');
            if (!string.IsNullOrWhiteSpace(result.Remediation))
            {
                body.Append('\n').Append(ReportText.WhatToDo).Append(": ").Append(result.Remediation).Append('\n');
            }

            var facts = ReportText.SupportFacts(result).ToList();
            if (facts.Count > 0)
            {
                body.Append('\n');
                foreach (var fact in facts)
                {
                    body.Append(fact.Key).Append(": ").Append(fact.Value).Append('\n');
                }
            }

            if (!string.IsNullOrEmpty(result.Response))
            {
                body.Append('\n').Append(ReportText.Response).Append(": ").Append(result.Response).Append('\n');
            }

            return Text(body.ToString());
        }

        private static void WriteCounts(XmlWriter xml, int tests, int failures, int skipped, TimeSpan time)
        {
            xml.WriteAttributeString("tests", tests.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("failures", failures.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("errors", "0");
            xml.WriteAttributeString("skipped", skipped.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("time", Seconds(time));
        }

        private static void WriteProperty(XmlWriter xml, string name, string value)
        {
            xml.WriteStartElement("property");
            xml.WriteAttributeString("name", name);
            xml.WriteAttributeString("value", Text(value));
            xml.WriteEndElement();
        }

        // Dots would make publishers cut a domain such as contoso.onmicrosoft.com into packages, and spaces or
        // other punctuation read badly in a class name; the tenant as given is in the suite's name and properties.
        private static string ClassNamePrefix(string tenantId)
        {
            var name = new StringBuilder(tenantId.Length);
            foreach (var character in ReportText.Clean(tenantId))
            {
                name.Append(char.IsLetterOrDigit(character) || character == '-' ? character : '_');
            }

            return name.Length == 0 ? "tenant" : name.ToString();
        }

        private static string Text(string? text) => ReportText.Clean(text);

        private static string Seconds(TimeSpan duration)
        {
            return duration.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
        }

        // JUnit's schema takes a date and time without a zone; UTC is implied.
        private static string Timestamp(DateTimeOffset moment)
        {
            return moment.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
        }
    }
}
