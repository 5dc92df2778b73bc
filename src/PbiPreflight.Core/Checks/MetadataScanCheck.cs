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
    /// the result carry the tables and expressions a catalog needs.
    /// </summary>
    internal static class MetadataScanCheck
    {
        public const string GetInfoPath =
            "admin/workspaces/getInfo?lineage=True&datasourceDetails=True&datasetSchema=True&datasetExpressions=True";

        /// <summary>The first status poll comes soon: small scans finish in about a second.</summary>
        internal static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(250);

        /// <summary>The longest wait between polls when the service names none.</summary>
        internal static readonly TimeSpan LongestPoll = TimeSpan.FromSeconds(5);

        public static async Task<CheckResult> RunAsync(
            PreflightSession session,
            IReadOnlyList<string> workspaceIds,
            CancellationToken cancellation)
        {
            var stopwatch = Stopwatch.StartNew();
            var result = session.NewResult(CheckIds.MetadataScan);
            result.Details["SampledWorkspaceIds"] = workspaceIds;
            if (workspaceIds.Count == 0)
            {
                result.Apply(DiagnosisCatalog.NoWorkspaceToScan);
                result.Duration = stopwatch.Elapsed;
                return result;
            }

            await ScanAsync(session, workspaceIds, result, cancellation).ConfigureAwait(false);
            result.Duration = stopwatch.Elapsed;
            return result;
        }

        private static async Task ScanAsync(
            PreflightSession session,
            IReadOnlyList<string> workspaceIds,
            CheckResult result,
            CancellationToken cancellation)
        {
            var body = JsonSerializer.Serialize(
                new Dictionary<string, IReadOnlyList<string>> { ["workspaces"] = workspaceIds });
            var started = await session.PowerBi.PostJsonAsync(GetInfoPath, body, cancellation).ConfigureAwait(false);
            var scanId = ReadScan(started).Id;
            if (!started.IsSuccess || scanId is null)
            {
                await FailAsync(session, result, started, "JSON without a scan 'id'", cancellation)
                    .ConfigureAwait(false);
                return;
            }

            result.Details["ScanId"] = scanId;
            var finished = await PollAsync(session, scanId, result, cancellation).ConfigureAwait(false);
            if (finished is null)
            {
                return;
            }

            var fetched = await session.PowerBi.GetAsync("admin/workspaces/scanResult/" + scanId, cancellation)
                .ConfigureAwait(false);
            using var document = fetched.IsSuccess ? fetched.TryParseJson(out _) : null;
            var summary = document is null ? null : ScanResultSummary.Read(document.RootElement);
            if (summary is null)
            {
                await FailAsync(session, result, fetched, "JSON without a 'workspaces' list", cancellation)
                    .ConfigureAwait(false);
                return;
            }

            result.HttpStatus = fetched.Status;
            result.RequestId = fetched.RequestId;
            Summarize(result, summary, workspaceIds.Count);
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
            while (true)
            {
                var remaining = session.Request.ScanTimeout - clock.GetElapsedTime(startedAt);
                if (remaining <= TimeSpan.Zero)
                {
                    result.Details["StatusPolls"] = polls;
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

                // The service's Retry-After wins; otherwise back off gently up to a few seconds.
                // A Retry-After of zero, or a date already past, must not turn polling into a flood.
                var backOff = Min(TimeSpan.FromTicks((long)(wait.Ticks * 1.6)), LongestPoll);
                wait = status.RetryAfter is TimeSpan asked && asked > FirstPoll ? asked : backOff;
                session.Reporter.Verbose(
                    Messages.Format(Messages.VerboseScanStatus, scanId, scan.Status, wait.TotalSeconds));
            }
        }

        private static void Summarize(CheckResult result, ScanResultSummary summary, int requested)
        {
            result.Details["WorkspacesScanned"] = summary.Workspaces;
            result.Details["Datasets"] = summary.Datasets;
            result.Details["DatasetsWithTables"] = summary.DatasetsWithTables;
            result.Details["DatasetsWithExpressions"] = summary.DatasetsWithExpressions;
            result.Details["DatasetsWithSchemaErrors"] = summary.DatasetsWithSchemaErrors;

            if (summary.Workspaces == 0)
            {
                result.Apply(DiagnosisCatalog.ScanReturnedNothing, requested);
            }
            else if (summary.Datasets > 0 && summary.DatasetsWithTables == 0)
            {
                result.Apply(DiagnosisCatalog.DetailedMetadataMissing, summary.Datasets);
            }
            else if (summary.DatasetsWithTables > 0 && summary.DatasetsWithExpressions == 0)
            {
                result.Apply(DiagnosisCatalog.ExpressionsMissing, summary.DatasetsWithTables);
            }
            else
            {
                result.Apply(
                    DiagnosisCatalog.ScanSucceeded,
                    summary.Workspaces,
                    summary.Datasets,
                    summary.DatasetsWithTables,
                    summary.DatasetsWithExpressions);
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
    }
}
