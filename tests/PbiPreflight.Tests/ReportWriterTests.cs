using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using PbiPreflight.Reports;
using Xunit;

namespace PbiPreflight.Tests
{
    public class ReportWriterTests
    {
        private const string Healthy = "contoso.onmicrosoft.com";

        // A tenant name is caller input; it must stay text in every format.
        private const string Hostile = "fabrikam|<b>\"bold\"</b>&amp;\nnext";

        // Markup, pipes, a line break, quotes, backticks, Markdown emphasis and non-ASCII (accents, CJK, an emoji
        // outside the BMP): what a service's message or body may carry.
        private const string Markup = "<script>alert(\"x\")</script> | a|b\nline two & 'quoted' **bold** [l](u) " +
            "`tick` Zürich 東京 😀";

        private const string HostileResponse = "{\"error\":\"</pre><img src=x onerror=alert(1)>\",\"code\":\"````\"," +
            "\"control\":\"\u0001\",\"half\":\"\ud800\"}";

        private static readonly DateTimeOffset Start = new DateTimeOffset(2025, 3, 1, 9, 30, 0, TimeSpan.Zero);

        [Fact]
        public void HtmlIsOnePageWithTenantsWorstFirstAndFailuresBeforeWarningsBeforePasses()
        {
            var html = Render(ReportFormat.Html);

            Assert.StartsWith("<!DOCTYPE html>", html);
            Assert.Equal(2, Regex.Matches(html, "<section class=\"tenant\"").Count);
            var hostileSection = html.IndexOf("<section class=\"tenant\" id=\"tenant-1\">", StringComparison.Ordinal);
            var healthySection = html.IndexOf("<section class=\"tenant\" id=\"tenant-2\">", StringComparison.Ordinal);
            Assert.True(hostileSection > 0 && healthySection > hostileSection);
            Assert.Contains("fabrikam|&lt;b&gt;&quot;bold&quot;&lt;/b&gt;&amp;amp;", html.Substring(hostileSection));

            var failing = html.Substring(hostileSection, healthySection - hostileSection);
            var order = new[]
            {
                "WorkspacePermission.AdminApi<", "MetadataScan.Scan<", "WorkspacePermission<", "CredentialScope<",
                "Refreshables<",
            }.Select(text => failing.IndexOf(text, StringComparison.Ordinal)).ToList();
            Assert.DoesNotContain(-1, order);
            Assert.Equal(order.OrderBy(index => index), order);

            // Remediation and the codes support asks for are on the page, not behind a click.
            Assert.Contains("<strong>What to do</strong><p>Enable the read-only admin API setting.</p>", failing);
            Assert.Contains("<dt>Error code</dt><dd>PowerBINotAuthorizedException</dd>", failing);
            Assert.Contains("<dt>Request id</dt><dd>00000000-0000-4000-8000-00000000aaaa</dd>", failing);
            Assert.Contains("<dt>HTTP status</dt><dd>401</dd>", failing);
        }

        [Fact]
        public void HtmlEncodesEveryTextAndLoadsNothingFromOutside()
        {
            var html = Render(ReportFormat.Html);

            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
            Assert.Contains(
                "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; | a|b&#xA;line two &amp; &#x27;quoted&#x27;",
                html);
            Assert.Contains("&lt;/pre&gt;&lt;img src=x onerror=alert(1)&gt;", html);

            // Non-ASCII survives, as characters or as references to the same code points.
            var decoded = System.Net.WebUtility.HtmlDecode(html);
            Assert.Contains("Zürich 東京 😀", decoded);

            // Characters no document may hold are replaced, never passed on.
            Assert.DoesNotContain("\u0001", html, StringComparison.Ordinal);
            Assert.Contains("\"control\":\"\uFFFD\"", decoded);

            // No external style sheet, script, image, font or frame: every link is an anchor on the page.
            Assert.DoesNotMatch(
                new Regex("<(link|script|img|iframe|object|embed|base)\\b", RegexOptions.IgnoreCase),
                html);
            Assert.DoesNotMatch(new Regex("url\\(|@import", RegexOptions.IgnoreCase), html);
            var links = Regex.Matches(html, "<[^>]*\\b(?:href|src)=\"([^\"]*)\"")
                .Select(match => match.Groups[1].Value);
            Assert.All(links, link => Assert.StartsWith("#tenant-", link));
        }

        [Fact]
        public void MarkdownTablesKeepOneRowPerResultWhateverTheText()
        {
            var markdown = Render(ReportFormat.Markdown);
            var lines = markdown.Split('\n');

            // Each table row has exactly its columns: no pipe or line break in the text splits a cell or a row.
            var tenantRows = lines.SkipWhile(line => !line.StartsWith("| Tenant |", StringComparison.Ordinal))
                .TakeWhile(line => line.StartsWith("|", StringComparison.Ordinal)).ToList();
            Assert.Equal(4, tenantRows.Count);
            Assert.All(tenantRows, row => Assert.Equal(7, UnescapedPipes(row)));

            var resultRows = lines.Where(line => line.StartsWith("| ", StringComparison.Ordinal) &&
                UnescapedPipes(line) == 9).ToList();
            Assert.Equal(2 + 2 + TestResults().Count, resultRows.Count);
            Assert.Equal(
                lines.Count(line => line.StartsWith("|", StringComparison.Ordinal)),
                tenantRows.Count + resultRows.Count);

            var hostileRow = resultRows.Single(row => row.Contains("WorkspacePermission.AdminApi"));
            Assert.Contains(
                "\\<script\\>alert(\"x\")\\</script\\> \\| a\\|b<br>line two \\& 'quoted' \\*\\*bold\\*\\* " +
                "\\[l\\](u) \\`tick\\` Zürich 東京 😀",
                hostileRow);
            Assert.Contains("| Failed | WorkspacePermission.AdminApi | AdminApiNotAuthorized |", hostileRow);
            Assert.Contains(
                "| PowerBINotAuthorizedException | 401 | 00000000-0000-4000-8000-00000000aaaa |",
                hostileRow);

            // The tenant heading is escaped too, and failures come before warnings, skips and passes.
            Assert.Contains("## fabrikam\\|\\<b\\>\"bold\"\\</b\\>\\&amp;<br>next: Failed", markdown);
            var statuses = resultRows.SkipWhile(row => !row.Contains("WorkspacePermission.AdminApi"))
                .Take(4).Select(row => row.Split(' ')[1]).ToList();
            Assert.Equal(new[] { "Failed", "Failed", "Warning", "Skipped" }, statuses);
        }

        [Fact]
        public void MarkdownShowsTheServiceAnswerInAFenceItCannotClose()
        {
            var markdown = Render(ReportFormat.Markdown);

            Assert.Contains("### For support", markdown);
            Assert.Contains("- Trace id: 11111111-2222-4333-8444-555555555555", markdown);
            var fence = Regex.Match(markdown, "^(`{3,})text$", RegexOptions.Multiline);
            Assert.True(fence.Success);
            Assert.Equal(5, fence.Groups[1].Value.Length);
            Assert.Contains("\n`````text\n{\"error\":\"</pre><img src=x onerror=alert(1)>\"", markdown);
        }

        [Fact]
        public void JUnitHasTheStructureAndCountsCiServersRead()
        {
            var document = XDocument.Parse(Render(ReportFormat.JUnit));
            var results = TestResults();

            var suites = document.Root!;
            Assert.Equal("testsuites", suites.Name.LocalName);
            Assert.Equal("PbiPreflight", (string?)suites.Attribute("name"));
            AssertCounts(suites, tests: results.Count, failures: 2, skipped: 1);
            Assert.Equal("2025-03-01T09:30:00", (string?)suites.Attribute("timestamp"));

            // One suite per tenant, in input order, named after the tenant as given.
            var suiteList = suites.Elements("testsuite").ToList();
            Assert.Equal(new[] { Healthy, Hostile }, suiteList.Select(suite => (string?)suite.Attribute("name")));
            AssertCounts(suiteList[0], tests: 2, failures: 0, skipped: 0);
            AssertCounts(suiteList[1], tests: results.Count - 2, failures: 2, skipped: 1);
            Assert.Equal("2025-03-01T09:30:00", (string?)suiteList[0].Attribute("timestamp"));
            Assert.Equal(
                "1",
                suiteList[1].Element("properties")!.Elements("property")
                    .Single(property => (string?)property.Attribute("name") == "warnings").Attribute("value")!.Value);

            // One case per check, named by the check id; the class name carries tenant and check family.
            var cases = suiteList[1].Elements("testcase").ToList();
            Assert.Equal(
                results.Where(result => result.TenantId == Hostile).Select(result => result.Check),
                cases.Select(testCase => (string?)testCase.Attribute("name")));
            Assert.Equal(
                "fabrikam__b__bold___b__amp__next.WorkspacePermission",
                (string?)cases[1].Attribute("classname"));
            Assert.Equal(
                "contoso_onmicrosoft_com.CredentialScope",
                (string?)suiteList[0].Element("testcase")!.Attribute("classname"));
            Assert.All(
                suites.Descendants("testcase"),
                testCase => Assert.True(double.TryParse(
                    (string?)testCase.Attribute("time"), NumberStyles.Float, CultureInfo.InvariantCulture, out _)));
            Assert.Equal("0.250", (string?)cases[1].Attribute("time"));

            // A failure carries the message and type; its body the remediation and the support facts.
            var failure = cases[1].Element("failure")!;
            Assert.Equal("AdminApiNotAuthorized", (string?)failure.Attribute("type"));
            Assert.Equal(Markup, (string?)failure.Attribute("message"));
            Assert.Contains("What to do: Enable the read-only admin API setting.", failure.Value);
            Assert.Contains("Request id: 00000000-0000-4000-8000-00000000aaaa", failure.Value);
            Assert.Contains("Error code: PowerBINotAuthorizedException", failure.Value);
            Assert.Contains("HTTP status: 401", failure.Value);
            Assert.Contains("\"control\":\"\uFFFD\",\"half\":\"\uFFFD\"", failure.Value);

            // A warning passes with its text in the output; a skipped check is skipped.
            var warning = cases.Single(testCase => (string?)testCase.Attribute("name") == "WorkspacePermission");
            Assert.Null(warning.Element("failure"));
            Assert.Null(warning.Element("skipped"));
            Assert.StartsWith("Warning: NotWorkspaceMember: ", warning.Element("system-out")!.Value);
            Assert.Contains("What to do: Add the service principal to the workspaces.", warning.Value);
            var skipped = cases.Single(testCase => (string?)testCase.Attribute("name") == "CredentialScope");
            Assert.Equal(
                "GraphPermissionMissing: Graph said no.",
                (string?)skipped.Element("skipped")!.Attribute("message"));
            Assert.Null(skipped.Element("failure"));
        }

        [Fact]
        public void JsonIsAnArrayWithStablePropertyNamesAndStatusAsText()
        {
            var results = TestResults();
            using var document = JsonDocument.Parse(Render(ReportFormat.Json));

            Assert.Equal(JsonValueKind.Array, document.RootElement.ValueKind);
            Assert.Equal(results.Count, document.RootElement.GetArrayLength());
            var expected = new[]
            {
                "TenantId", "Check", "Status", "Reason", "Message", "Remediation", "ErrorCode", "HttpStatus",
                "RequestId", "TraceId", "CorrelationId", "Response", "Timestamp", "Duration", "Details",
            };
            Assert.All(
                document.RootElement.EnumerateArray(),
                item => Assert.Equal(expected, item.EnumerateObject().Select(property => property.Name)));

            var failed = document.RootElement[3];
            Assert.Equal("WorkspacePermission.AdminApi", failed.GetProperty("Check").GetString());
            Assert.Equal("Failed", failed.GetProperty("Status").GetString());
            Assert.Equal(Markup, failed.GetProperty("Message").GetString());
            Assert.Equal(Hostile, failed.GetProperty("TenantId").GetString());
            Assert.Equal(401, failed.GetProperty("HttpStatus").GetInt32());
            Assert.Equal("2025-03-01T09:30:02.0000000+00:00", failed.GetProperty("Timestamp").GetString());
            Assert.Equal("00:00:00.2500000", failed.GetProperty("Duration").GetString());
            Assert.Equal(JsonValueKind.Null, document.RootElement[0].GetProperty("ErrorCode").ValueKind);
            Assert.Equal(JsonValueKind.Null, document.RootElement[0].GetProperty("HttpStatus").ValueKind);

            var details = failed.GetProperty("Details");
            Assert.Equal(3, details.GetProperty("WorkspaceCount").GetInt64());
            Assert.True(details.GetProperty("CountIsLowerBound").GetBoolean());
            Assert.Equal(
                new[] { "a", "b|c" },
                details.GetProperty("SampledWorkspaceIds").EnumerateArray().Select(item => item.GetString()));
            Assert.Equal("2025-04-01T00:00:00.0000000+00:00", details.GetProperty("ExpiresOn").GetString());
            Assert.Equal(
                new[] { "CountIsLowerBound", "ExpiresOn", "SampledWorkspaceIds", "WorkspaceCount" },
                details.EnumerateObject().Select(property => property.Name));
        }

        [Theory]
        [InlineData(ReportFormat.Html)]
        [InlineData(ReportFormat.Markdown)]
        [InlineData(ReportFormat.JUnit)]
        [InlineData(ReportFormat.Json)]
        public void WritersAddNothingFromOutsideTheResults(ReportFormat format)
        {
            const string secret = "Sup3r~Secret.Value-0123456789abcdefABCDEF";
            Environment.SetEnvironmentVariable("PBI_REPORT_CANARY", "report-canary-31337");
            var redactor = new SecretRedactor();
            redactor.AddSecret(secret);
            var leaky = Result(Hostile, "CredentialScope", CheckStatus.Failed, 0);
            leaky.Message = "AADSTS7000215: Invalid client secret provided: " + secret;
            leaky.Response = "{\"client_secret\":\"" + secret + "\",\"access_token\":\"eyJhbGciOi.eyJzdWIiOi.sig\"}";
            leaky.Details["Echo"] = secret;
            var results = new List<CheckResult> { redactor.Redact(leaky) };
            results.AddRange(TestResults());

            var first = Bytes(results, format);
            var second = Bytes(results, format);
            var text = Encoding.UTF8.GetString(first);

            // The same results give the same bytes: no clock, counter or random value is added.
            Assert.Equal(first, second);
            Assert.DoesNotContain(secret, text);
            Assert.DoesNotContain("eyJhbGciOi", text);
            Assert.Contains(SecretRedactor.Mask, text.Replace("\\*", "*"));
            Assert.DoesNotContain("report-canary-31337", text);
            Assert.DoesNotContain(Environment.MachineName, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Directory.GetCurrentDirectory(), text);
            Assert.DoesNotContain(Path.GetTempPath().TrimEnd('/', '\\'), text);

            // Every id and every date in the report is one of the results'.
            var known = string.Join("\n", results.SelectMany(Texts));
            Assert.All(
                Regex.Matches(text, "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
                    .Select(match => match.Value),
                id => Assert.Contains(id, known));
            Assert.All(
                Regex.Matches(text, "\\d{4}-\\d{2}-\\d{2}").Select(m => m.Value).Distinct(),
                date => Assert.True(date == "2025-03-01" || date == "2025-04-01", date));
        }

        [Fact]
        public void NoResultsIsAValidEmptyReportInEveryFormat()
        {
            var junit = XDocument.Parse(Encoding.UTF8.GetString(Bytes(new List<CheckResult>(), ReportFormat.JUnit)));
            AssertCounts(junit.Root!, tests: 0, failures: 0, skipped: 0);
            Assert.Empty(junit.Root!.Elements());

            using var json = JsonDocument.Parse(Bytes(new List<CheckResult>(), ReportFormat.Json));
            Assert.Equal(0, json.RootElement.GetArrayLength());

            Assert.Contains("0 tenants:", Encoding.UTF8.GetString(Bytes(new List<CheckResult>(), ReportFormat.Html)));
        }

        [Fact]
        public void OutputIsUtf8WithoutAByteOrderMarkAndLeavesTheStreamOpen()
        {
            foreach (var format in new[] { ReportFormat.Html, ReportFormat.Markdown, ReportFormat.JUnit,
                ReportFormat.Json })
            {
                using var stream = new MemoryStream();
                ReportWriter.Write(TestResults(), format, stream);

                Assert.True(stream.CanWrite);
                var bytes = stream.ToArray();
                Assert.False(bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF);
                Assert.Contains("Zürich", new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes));
            }
        }

        private static void AssertCounts(XElement element, int tests, int failures, int skipped)
        {
            Assert.Equal(tests.ToString(CultureInfo.InvariantCulture), (string?)element.Attribute("tests"));
            Assert.Equal(failures.ToString(CultureInfo.InvariantCulture), (string?)element.Attribute("failures"));
            Assert.Equal(skipped.ToString(CultureInfo.InvariantCulture), (string?)element.Attribute("skipped"));
            Assert.Equal("0", (string?)element.Attribute("errors"));
            Assert.True(double.TryParse(
                (string?)element.Attribute("time"), NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        }

        private static int UnescapedPipes(string row)
        {
            return Regex.Matches(row, "(?<!\\\\)\\|").Count;
        }

        private static string Render(ReportFormat format)
        {
            return Encoding.UTF8.GetString(Bytes(TestResults(), format));
        }

        private static byte[] Bytes(IReadOnlyList<CheckResult> results, ReportFormat format)
        {
            using var stream = new MemoryStream();
            ReportWriter.Write(results, format, stream);
            return stream.ToArray();
        }

        private static IEnumerable<string> Texts(CheckResult result)
        {
            return new[]
            {
                result.TenantId, result.Check, result.Message, result.Remediation, result.ErrorCode,
                result.RequestId, result.TraceId, result.CorrelationId, result.Response, result.Details.ToString(),
            }.Where(text => text != null)!;
        }

        // A healthy tenant with two passes, and a tenant with a hostile name whose results are in run order:
        // a pass, two failures, a warning, a skip.
        private static List<CheckResult> TestResults()
        {
            var failed = Result(Hostile, "WorkspacePermission.AdminApi", CheckStatus.Failed, 2);
            failed.Reason = "AdminApiNotAuthorized";
            failed.Message = Markup;
            failed.Remediation = "Enable the read-only admin API setting.";
            failed.ErrorCode = "PowerBINotAuthorizedException";
            failed.HttpStatus = 401;
            failed.RequestId = "00000000-0000-4000-8000-00000000aaaa";
            failed.TraceId = "11111111-2222-4333-8444-555555555555";
            failed.Response = HostileResponse;
            failed.Details["WorkspaceCount"] = 3L;
            failed.Details["CountIsLowerBound"] = true;
            failed.Details["SampledWorkspaceIds"] = new List<string> { "a", "b|c" };
            failed.Details["ExpiresOn"] = new DateTimeOffset(2025, 4, 1, 0, 0, 0, TimeSpan.Zero);

            var warning = Result(Hostile, "WorkspacePermission", CheckStatus.Warning, 3);
            warning.Reason = "NotWorkspaceMember";
            warning.Message = "Only the admin API sees workspaces.";
            warning.Remediation = "Add the service principal to the workspaces.";

            var scan = Result(Hostile, "MetadataScan.Scan", CheckStatus.Failed, 4);
            scan.Reason = "ScanFailed";
            scan.Message = "The scan failed.";
            scan.Remediation = "Look at the workspace.";

            var skipped = Result(Hostile, "CredentialScope", CheckStatus.Skipped, 5);
            skipped.Reason = "GraphPermissionMissing";
            skipped.Message = "Graph said no.";

            return new List<CheckResult>
            {
                Result(Healthy, "CredentialScope", CheckStatus.Passed, 0),
                Result(Healthy, "Refreshables", CheckStatus.Passed, 1),
                Result(Hostile, "Refreshables", CheckStatus.Passed, 1),
                failed,
                warning,
                scan,
                skipped,
            };
        }

        private static CheckResult Result(string tenant, string check, CheckStatus status, int secondsAfterStart)
        {
            return new CheckResult(check, tenant)
            {
                Status = status,
                Reason = status == CheckStatus.Passed ? "TokenAcquired" : string.Empty,
                Message = "The check ran.",
                Timestamp = Start.AddSeconds(secondsAfterStart),
                Duration = TimeSpan.FromMilliseconds(250),
            };
        }
    }
}
