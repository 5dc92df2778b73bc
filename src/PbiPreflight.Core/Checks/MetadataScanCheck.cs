using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PbiPreflight.Diagnosis;
using PbiPreflight.Http;

namespace PbiPreflight.Checks
{
    /// <summary>
    /// Can this identity run a scanner round trip (getInfo, scanStatus, scanResult) on a few workspaces, and does
    /// the result carry the tables, expressions and lineage a catalog needs. Each of those is a sub-check; the
    /// summary takes the worst of them.
    /// </summary>
    internal static class MetadataScanCheck
    {
        public const string Scan = CheckIds.MetadataScan + ".Scan";

        public const string DetailedMetadata = CheckIds.MetadataScan + ".DetailedMetadata";

        public const string Expressions = CheckIds.MetadataScan + ".Expressions";

        public const string Lineage = CheckIds.MetadataScan + ".Lineage";

        public const string GetInfoPath =
            "admin/workspaces/getInfo?lineage=True&datasourceDetails=True&datasetSchema=True&datasetExpressions=True";

        /// <summary>The scanner's documented limits (api-facts 2.4, 2.6).</summary>
        internal const int WorkspacesPerScan = 100;

        internal const int ScannerCallsPerHour = 500;

        /// <summary>
        /// The first status poll comes soon, and polls stay this close while the scan is young: small scans finish
        /// in about a second.
        /// </summary>
        internal static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(250);

        /// <summary>The longest wait between polls when the service names none.</summary>
        internal static readonly TimeSpan LongestPoll = TimeSpan.FromSeconds(5);

        /// <summary>
        /// Between those two, each wait is this share of the time the scan has taken so far, so a finished scan is
        /// seen at most about a third of its own duration late, and a long one costs a few dozen polls at most.
        /// </summary>
        private const int WaitShareDivisor = 3;

        public static async Task<IReadOnlyList<CheckResult>> RunAsync(
            PreflightSession session,
            IReadOnlyList<string> workspaceIds,
            long? tenantWorkspaceCount,
            CancellationToken cancellation)
        {
            var stopwatch = Stopwatch.StartNew();
            var scan = session.NewResult(Scan);
            scan.Details["SampledWorkspaceIds"] = workspaceIds;
            AddCrawlEstimate(scan, tenantWorkspaceCount);
            ScanResultSummary? content = null;
            if (workspaceIds.Count == 0)
            {
                scan.Apply(DiagnosisCatalog.NoWorkspaceToScan);
            }
            else
            {
                content = await ScanAsync(session, workspaceIds, scan, cancellation).ConfigureAwait(false);
            }

            scan.Duration = stopwatch.Elapsed;
            var results = new List<CheckResult> { scan };
            results.AddRange(JudgeContent(session, scan, content));
            results.Add(Summarize(session, scan, results, content));
            return results;
        }

        /// <summary>
        /// What a crawl of the whole tenant costs under the scanner's limits: one getInfo and one scanResult per
        /// 100 workspaces, each limited to 500 calls an hour.
        /// </summary>
        private static void AddCrawlEstimate(CheckResult scan, long? tenantWorkspaceCount)
        {
            if (tenantWorkspaceCount is not long workspaces)
            {
                return;
            }

            var scans = (workspaces + WorkspacesPerScan - 1) / WorkspacesPerScan;
            scan.Details["FullCrawlWorkspaces"] = workspaces;
            scan.Details["FullCrawlGetInfoCalls"] = scans;
            scan.Details["FullCrawlScanResultCalls"] = scans;
            scan.Details["FullCrawlMinimumHours"] =
                Math.Max(1, (scans + ScannerCallsPerHour - 1) / ScannerCallsPerHour);
        }

        private static async Task<ScanResultSummary?> ScanAsync(
            PreflightSession session,
            IReadOnlyList<string> workspaceIds,
            CheckResult result,
            CancellationToken cancellation)
        {
            var body = JsonSerializer.Serialize(
                new Dictionary<string, IReadOnlyList<string>> { ["workspaces"] = workspaceIds });
            var started = await session.PowerBi.PostJsonAsync(GetInfoPath, body, cancellation).ConfigureAwait(false);
            var calls = 1;
            result.Details["ScannerCallsSpent"] = calls;
            var scanId = ReadScan(started).Id;
            if (!started.IsSuccess || scanId is null)
            {
                await FailAsync(session, result, started, "JSON without a scan 'id'", cancellation)
                    .ConfigureAwait(false);
                return null;
            }

            result.Details["ScanId"] = scanId;

            // getInfo and scanResult share the 500-an-hour quota; status polls have their own (10,000 an hour).
            var finished = await PollAsync(session, scanId, result, cancellation).ConfigureAwait(false);
            if (finished is null)
            {
                return null;
            }

            // The result can be hundreds of megabytes: it is counted as it streams in, never held.
            var fetched = await session.PowerBi
                .GetStreamedAsync(
                    "admin/workspaces/scanResult/" + scanId,
                    async (stream, token) => await ScanResultReader.ReadAsync(stream, token).ConfigureAwait(false),
                    cancellation)
                .ConfigureAwait(false);
            result.Details["ScannerCallsSpent"] = calls + 1;
            if (!(fetched.Streamed is ScanResultSummary summary))
            {
                var problem = fetched.StreamProblem ?? "JSON without a 'workspaces' list";
                await FailAsync(session, result, fetched, problem, cancellation).ConfigureAwait(false);
                return null;
            }

            result.Details["ScanResultBytes"] = summary.Bytes;

            result.HttpStatus = fetched.Status;
            result.RequestId = fetched.RequestId;
            result.Details["WorkspacesScanned"] = summary.Workspaces;
            result.Details["Datasets"] = summary.Datasets;
            if (summary.Workspaces == 0)
            {
                result.Apply(DiagnosisCatalog.ScanReturnedNothing, workspaceIds.Count);
            }
            else if (summary.DuplicateKeys.Count > 0)
            {
                result.Details["DuplicateKeys"] = summary.DuplicateKeys;
                result.Apply(DiagnosisCatalog.ScanResultHasDuplicateKeys, string.Join(", ", summary.DuplicateKeys));
            }
            else
            {
                result.Apply(DiagnosisCatalog.ScanCompleted, summary.Workspaces, result.Details["StatusPolls"]);
            }

            return summary;
        }

        /// <summary>Polls until the scan ends or the time is up; null when the result is already decided.</summary>
        private static async Task<ApiResponse?> PollAsync(
            PreflightSession session,
            string scanId,
            CheckResult result,
            CancellationToken cancellation)
        {
            var clock = session.TimeProvider;
            var startedAt = clock.GetTimestamp();
            var wait = FirstPoll;
            var polls = 0;
            var lastStatus = "NotStarted";
            result.Details["StatusPolls"] = polls;
            while (true)
            {
                var remaining = session.Request.ScanTimeout - clock.GetElapsedTime(startedAt);
                if (remaining <= TimeSpan.Zero)
                {
                    result.Apply(DiagnosisCatalog.ScanTimedOut, lastStatus, session.Request.ScanTimeout.TotalSeconds);
                    return null;
                }

                await clock.Delay(Min(wait, remaining), cancellation).ConfigureAwait(false);
                var status = await session.PowerBi.GetAsync("admin/workspaces/scanStatus/" + scanId, cancellation)
                    .ConfigureAwait(false);
                polls++;
                result.Details["StatusPolls"] = polls;
                var scan = ReadScan(status);
                if (!status.IsSuccess || scan.Status is null)
                {
                    await FailAsync(session, result, status, "JSON without a scan 'status'", cancellation)
                        .ConfigureAwait(false);
                    return null;
                }

                lastStatus = scan.Status;
                if (string.Equals(scan.Status, "Succeeded", StringComparison.OrdinalIgnoreCase))
                {
                    return status;
                }

                if (string.Equals(scan.Status, "Failed", StringComparison.OrdinalIgnoreCase))
                {
                    result.WithEvidence(status, session.Redactor);
                    result.ErrorCode = scan.ErrorCode;
                    result.Apply(DiagnosisCatalog.ScanFailed, scan.ErrorMessage ?? scan.ErrorCode ?? "no reason given");
                    return null;
                }

                // The service's Retry-After wins; otherwise the wait grows with the scan's age. A Retry-After of
                // zero, or a date already past, must not turn polling into a flood.
                var elapsed = clock.GetElapsedTime(startedAt);
                var backOff = Min(Max(TimeSpan.FromTicks(elapsed.Ticks / WaitShareDivisor), FirstPoll), LongestPoll);
                wait = status.RetryAfter is TimeSpan asked && asked > FirstPoll ? asked : backOff;
                var share = Math.Min(1.0, elapsed.TotalSeconds / session.Request.ScanTimeout.TotalSeconds);
                var percent = 55 + (int)(35 * share);
                session.Reporter.Progress(Messages.Format(Messages.ProgressScanStatus, scanId, scan.Status), percent);
                session.Reporter.Verbose(
                    Messages.Format(Messages.VerboseScanStatus, scanId, scan.Status, wait.TotalSeconds));
            }
        }

        /// <summary>The content sub-checks: tables, expressions, lineage.</summary>
        private static IEnumerable<CheckResult> JudgeContent(
            PreflightSession session,
            CheckResult scan,
            ScanResultSummary? content)
        {
            var detailed = session.NewResult(DetailedMetadata);
            var expressions = session.NewResult(Expressions);
            var lineage = session.NewResult(Lineage);
            var all = new[] { detailed, expressions, lineage };
            if (content is null || content.Workspaces == 0)
            {
                foreach (var result in all)
                {
                    result.Apply(DiagnosisCatalog.ScanDidNotComplete, scan.Reason);
                }

                return all;
            }

            foreach (var result in all)
            {
                result.Details["Datasets"] = content.Datasets;
                result.Details["DatasetsWithTables"] = content.DatasetsWithTables;
                result.Details["DatasetsWithExpressions"] = content.DatasetsWithExpressions;
                result.Details["DatasetsWithSchemaErrors"] = content.DatasetsWithSchemaErrors;
            }

            if (content.Datasets == 0)
            {
                detailed.Apply(DiagnosisCatalog.NoDatasetsInSample);
                expressions.Apply(DiagnosisCatalog.NoDatasetsInSample);
            }
            else
            {
                JudgeTables(detailed, content);
                JudgeExpressions(expressions, content);
            }

            lineage.Details["DatasourceInstances"] = content.DatasourceInstances;
            lineage.Details["DatasetsWithSourceUsages"] = content.DatasetsWithSourceUsages;
            if (content.DatasourceInstances > 0 || content.DatasetsWithSourceUsages > 0)
            {
                lineage.Apply(
                    DiagnosisCatalog.LineagePresent,
                    content.DatasourceInstances ?? 0,
                    content.DatasetsWithSourceUsages);
            }
            else
            {
                lineage.Apply(
                    content.Datasets == 0 ? DiagnosisCatalog.NoDatasetsInSample : DiagnosisCatalog.LineageMissing);
            }

            return all;
        }

        private static void JudgeTables(CheckResult detailed, ScanResultSummary content)
        {
            if (content.DatasetsWithTables > 0)
            {
                detailed.Apply(DiagnosisCatalog.DetailedMetadataPresent, content.DatasetsWithTables, content.Datasets);
                return;
            }

            detailed.Apply(DiagnosisCatalog.DetailedMetadataMissing, content.Datasets);
            detailed.Message += " " + InnocentExplanation(content);
        }

        private static void JudgeExpressions(CheckResult expressions, ScanResultSummary content)
        {
            if (content.DatasetsWithExpressions > 0)
            {
                expressions.Apply(
                    DiagnosisCatalog.ExpressionsPresent,
                    content.DatasetsWithExpressions,
                    content.Datasets);
            }
            else if (content.DatasetsWithTables > 0)
            {
                expressions.Apply(DiagnosisCatalog.ExpressionsMissing, content.DatasetsWithTables);
            }
            else
            {
                // Without detailed metadata no expressions come either; the tables sub-check names the cause.
                expressions.Apply(DiagnosisCatalog.ExpressionsMissingWithoutTables);
            }
        }

        /// <summary>The causes that are not a tenant setting, when the sample shows them.</summary>
        private static string InnocentExplanation(ScanResultSummary content)
        {
            return content.DatasetsWithSchemaErrors > 0
                ? Messages.Format(Messages.SchemaErrorsExplain, content.DatasetsWithSchemaErrors, content.Datasets)
                : Messages.NeverRefreshedMayExplain;
        }

        /// <summary>The summary result: the worst sub-check decides, and the message counts what came back.</summary>
        private static CheckResult Summarize(
            PreflightSession session,
            CheckResult scan,
            IReadOnlyList<CheckResult> subChecks,
            ScanResultSummary? content)
        {
            var summary = session.NewResult(CheckIds.MetadataScan);
            var worst = subChecks
                .Where(result => result.Status != CheckStatus.Passed)
                .OrderByDescending(result => Severity(result.Status))
                .FirstOrDefault();

            summary.Duration = scan.Duration;
            summary.HttpStatus = scan.HttpStatus;
            summary.RequestId = scan.RequestId;
            summary.ErrorCode = scan.ErrorCode;
            summary.Response = scan.Response;
            foreach (var pair in scan.Details)
            {
                summary.Details[pair.Key] = pair.Value;
            }

            if (content != null)
            {
                summary.Details["DatasetsWithTables"] = content.DatasetsWithTables;
                summary.Details["DatasetsWithExpressions"] = content.DatasetsWithExpressions;
                summary.Details["DatasetsWithSchemaErrors"] = content.DatasetsWithSchemaErrors;
            }

            // A scan that could not start or finish speaks for the whole check; so does a worse sub-check.
            if (worst is null || (worst.Status == CheckStatus.Skipped && scan.Status == CheckStatus.Passed))
            {
                return content is null
                    ? summary.Apply(DiagnosisCatalog.ScanSucceeded, 0, 0, 0, 0)
                    : summary.Apply(
                        DiagnosisCatalog.ScanSucceeded,
                        content.Workspaces,
                        content.Datasets,
                        content.DatasetsWithTables,
                        content.DatasetsWithExpressions);
            }

            var decisive = scan.Status != CheckStatus.Passed ? scan : worst;
            summary.Status = decisive.Status;
            summary.Reason = decisive.Reason;
            summary.Message = decisive.Message;
            summary.Remediation = decisive.Remediation;
            return summary;
        }

        private static int Severity(CheckStatus status)
        {
            switch (status)
            {
                case CheckStatus.Failed:
                    return 3;
                case CheckStatus.Warning:
                    return 2;
                case CheckStatus.Skipped:
                    return 1;
                default:
                    return 0;
            }
        }

        private static async Task FailAsync(
            PreflightSession session,
            CheckResult result,
            ApiResponse response,
            string shapeProblem,
            CancellationToken cancellation)
        {
            if (response.IsSuccess)
            {
                result.JudgeShape(response, shapeProblem, session.Redactor);
                return;
            }

            var claims = await session.ClaimsAsync(cancellation).ConfigureAwait(false);
            session.JudgeFailure(result, response, ApiKind.Admin, claims);
        }

        private static (string? Id, string? Status, string? ErrorCode, string? ErrorMessage) ReadScan(
            ApiResponse response)
        {
            using var document = response.IsSuccess ? response.TryParseJson(out _) : null;
            if (document is null || document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, null, null, null);
            }

            var root = document.RootElement;
            root.TryGetProperty("error", out var error);
            return (
                JsonText.String(root, "id"),
                JsonText.String(root, "status"),
                JsonText.String(error, "code"),
                JsonText.String(error, "message"));
        }

        private static TimeSpan Min(TimeSpan first, TimeSpan second) => first < second ? first : second;

        private static TimeSpan Max(TimeSpan first, TimeSpan second) => first > second ? first : second;
    }
}
