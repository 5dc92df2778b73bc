using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PbiPreflight.Checks;
using PbiPreflight.Diagnosis;
using PbiPreflight.Http;

namespace PbiPreflight
{
    /// <summary>
    /// Runs the checks of one request, shares one connection pool and one token per resource between them, and
    /// reports the results in check order. Independent calls overlap; the Graph sub-checks run beside the Power
    /// BI calls, never in front of them. Failed checks are results; only cancellation throws.
    /// </summary>
    public static class PreflightRunner
    {
        /// <summary>Runs the request over a connection pool of its own.</summary>
        public static async Task RunAsync(
            PreflightRequest request,
            IPreflightReporter reporter,
            CancellationToken cancellation)
        {
            using var transport = new HttpTransport(request.Proxy);
            await RunAsync(request, transport, reporter, TimeProvider.System, cancellation).ConfigureAwait(false);
        }

        /// <summary>
        /// Throws <see cref="PreflightArgumentException"/> when the request cannot run, before any network call:
        /// values out of range, malformed workspace name patterns, a certificate that cannot sign, no federated
        /// token to be found.
        /// </summary>
        internal static void Validate(PreflightRequest request)
        {
            request.Validate();
            _ = new WorkspaceFilter(request);
            switch (request.Connection.Credential)
            {
                case CertificateCredential certificate:
                    Identity.CertificateLoader.Resolve(certificate);
                    break;
                case FederatedTokenCredential federated:
                    Identity.FederatedTokenSource.Find(federated);
                    break;
            }
        }

        internal static async Task RunAsync(
            PreflightRequest request,
            HttpTransport transport,
            IPreflightReporter reporter,
            TimeProvider timeProvider,
            CancellationToken cancellation,
            TimeSpan? retryDelay = null)
        {
            Validate(request);
            var session = new PreflightSession(request, transport, reporter, timeProvider, cancellation, retryDelay);
            var checks = request.Checks;

            session.Reporter.Progress("Requesting a token", 5);
            var credentialScope = checks.HasFlag(PreflightChecks.CredentialScope);
            Task? graphToken = null;
            if (credentialScope && request.Connection.Credential is ClientSecretCredential)
            {
                // The secret's end date is read from Graph right after sign-in; asking for the Graph token beside
                // the Power BI one, on another thread, saves a round trip. The price: a wrong secret is refused
                // twice, not once.
                graphToken = Task.Run(() => session.GraphTokenOutcomeAsync(cancellation), cancellation);
            }

            var token = await session.Tokens.GetAsync(cancellation).ConfigureAwait(false);
            Task<CheckResult>? expiry = null;
            if (credentialScope)
            {
                var credential = await CredentialScopeCheck.RunAsync(session, cancellation).ConfigureAwait(false);
                session.Reporter.Result(credential);
                // A certificate's end date is read on this machine, so it is judged even when sign-in failed:
                // an expired certificate is the likeliest reason it did.
                expiry = token.Succeeded || request.Connection.Credential is CertificateCredential
                    ? Budgeted(session, GraphChecks.Expiry, ct => GraphChecks.ExpiryAsync(session, ct), cancellation)
                    : null;
            }

            if (!token.Succeeded)
            {
                // Nothing of the run may outlive it; the Graph refusal itself tells nothing the first did not.
                if (graphToken != null)
                {
                    await graphToken.ConfigureAwait(false);
                }

                if (expiry != null)
                {
                    session.Reporter.Result(await expiry.ConfigureAwait(false));
                }

                ReportWithoutToken(session, token, checks, expiryReported: expiry != null);
                return;
            }

            await RunWithTokenAsync(session, expiry, cancellation).ConfigureAwait(false);
        }

        private static async Task RunWithTokenAsync(
            PreflightSession session,
            Task<CheckResult>? expiry,
            CancellationToken cancellation)
        {
            var request = session.Request;
            var checks = request.Checks;
            var waitsForPropagation = request.WaitForPropagation > TimeSpan.Zero;

            // Start everything that can run now; report below in check order as each becomes known.
            var workspaces = checks.HasFlag(PreflightChecks.WorkspacePermission)
                ? BudgetedWorkspacesAsync(session, cancellation)
                : null;
            var settings = checks.HasFlag(PreflightChecks.TenantSettings)
                ? CheckBudget.RunAsync<(CheckResult Result, IReadOnlyDictionary<string, TenantSetting>? Settings)>(
                    session.TimeProvider,
                    request.CheckBudget,
                    ct => TenantSettingsCheck.RunAsync(session, ct),
                    () => (TimedOut(session, CheckIds.TenantSettings), null),
                    cancellation)
                : null;
            var membership = settings is null
                ? null
                : Budgeted(
                    session,
                    GraphChecks.GroupMembership,
                    ct => GraphChecks.GroupMembershipAsync(session, settings, ct),
                    cancellation);
            Task<CheckResult>? refreshables = null;
            Task<IReadOnlyList<CheckResult>>? scan = null;
            if (checks.HasFlag(PreflightChecks.MetadataScan))
            {
                // Refreshables do not depend on the listings, unless the run waits for settings to propagate.
                Func<Task<CheckResult>> readRefreshables = () => Budgeted(
                    session,
                    CheckIds.Refreshables,
                    ct => RefreshablesCheck.RunAsync(session, ct),
                    cancellation);
                refreshables = waitsForPropagation && workspaces != null
                    ? AfterAsync(workspaces, readRefreshables)
                    : readRefreshables();
                scan = ScanAfterAsync(session, workspaces, cancellation);
            }

            if (expiry != null)
            {
                session.Reporter.Result(await expiry.ConfigureAwait(false));
            }

            if (workspaces != null)
            {
                ReportAll(session, (await workspaces.ConfigureAwait(false)).Results);
            }

            if (settings != null && membership != null)
            {
                session.Reporter.Result((await settings.ConfigureAwait(false)).Result);
                session.Reporter.Result(await membership.ConfigureAwait(false));
            }

            if (scan != null && refreshables != null)
            {
                ReportAll(session, await scan.ConfigureAwait(false));
                session.Reporter.Result(await refreshables.ConfigureAwait(false));
            }
        }

        /// <summary>One result-making check within its budget; a check out of time says so.</summary>
        private static Task<CheckResult> Budgeted(
            PreflightSession session,
            string check,
            Func<CancellationToken, Task<CheckResult>> run,
            CancellationToken cancellation)
        {
            return CheckBudget.RunAsync(
                session.TimeProvider,
                session.Request.CheckBudget,
                run,
                () => TimedOut(session, check),
                cancellation);
        }

        private static CheckResult TimedOut(PreflightSession session, string check, TimeSpan? budget = null)
        {
            return session.NewResult(check)
                .Apply(DiagnosisCatalog.CheckTimedOut, (budget ?? session.Request.CheckBudget).TotalSeconds);
        }

        /// <summary>The workspace check within its budget, stretched by the time it may wait for propagation.</summary>
        private static Task<WorkspaceFindings> BudgetedWorkspacesAsync(
            PreflightSession session,
            CancellationToken cancellation)
        {
            var budget = session.Request.CheckBudget + session.Request.WaitForPropagation;
            return CheckBudget.RunAsync(
                session.TimeProvider,
                budget,
                ct => WorkspacesAsync(session, ct),
                () => new WorkspaceFindings
                {
                    Results = new[]
                        {
                            WorkspacePermissionCheck.PublicApi, WorkspacePermissionCheck.AdminApi,
                            CheckIds.WorkspacePermission,
                        }
                        .Select(id => TimedOut(session, id, budget))
                        .ToList(),
                },
                cancellation);
        }

        /// <summary>
        /// The workspace check, tried again at a polite interval while a refused admin or public API may still be
        /// waiting for a changed tenant setting to apply.
        /// </summary>
        private static async Task<WorkspaceFindings> WorkspacesAsync(
            PreflightSession session,
            CancellationToken cancellation)
        {
            var request = session.Request;
            var clock = session.TimeProvider;
            var started = clock.GetTimestamp();
            var tries = 1;
            session.Reporter.Progress("Listing workspaces", 25);
            var findings = await WorkspacePermissionCheck.RunAsync(session, cancellation).ConfigureAwait(false);
            while (MayStillPropagate(findings))
            {
                var left = request.WaitForPropagation - clock.GetElapsedTime(started);
                if (left <= TimeSpan.Zero)
                {
                    break;
                }

                var wait = left < request.PropagationRetryInterval ? left : request.PropagationRetryInterval;
                session.Reporter.Progress(
                    Messages.Format(Messages.ProgressWaitingForPropagation, findings.Summary.Reason, left.TotalMinutes),
                    25);
                await clock.Delay(wait, cancellation).ConfigureAwait(false);

                // Power BI admits a token when it first sees it; a setting changed since needs a new token.
                session.Tokens.ForgetPowerBiToken();
                findings = await WorkspacePermissionCheck.RunAsync(session, cancellation).ConfigureAwait(false);
                tries++;
            }

            findings.Summary.Details["Tries"] = tries;
            return findings;
        }

        private static bool MayStillPropagate(WorkspaceFindings findings)
        {
            return findings.Results.Any(result =>
                result.Reason == DiagnosisCatalog.AdminApiNotAuthorized.Reason ||
                result.Reason == DiagnosisCatalog.PublicApiNotAuthorized.Reason);
        }

        private static async Task<IReadOnlyList<CheckResult>> ScanAfterAsync(
            PreflightSession session,
            Task<WorkspaceFindings>? workspaces,
            CancellationToken cancellation)
        {
            var request = session.Request;
            var sample = request.WorkspaceIds.Select(id => id.ToString("D")).ToList();
            long? tenantCount = null;
            if (workspaces != null)
            {
                var findings = await workspaces.ConfigureAwait(false);
                tenantCount = findings.TenantWorkspaceCount;
                if (sample.Count == 0)
                {
                    sample = findings.Sample.ToList();
                }
            }
            else if (sample.Count == 0)
            {
                return await ScanWithChosenSampleAsync(session, cancellation).ConfigureAwait(false);
            }

            session.Reporter.Progress("Scanning a sample of workspaces", 50);

            // The scan's own time-out comes on top of the budget for its calls.
            var budget = request.CheckBudget + request.ScanTimeout;
            return await CheckBudget.RunAsync(
                session.TimeProvider,
                budget,
                ct => MetadataScanCheck.RunAsync(session, sample, tenantCount, ct),
                () => ScanIds.Select(id => TimedOut(session, id, budget)).ToList(),
                cancellation).ConfigureAwait(false);
        }

        private static readonly string[] ScanIds =
        {
            MetadataScanCheck.Scan, MetadataScanCheck.DetailedMetadata, MetadataScanCheck.Expressions,
            MetadataScanCheck.Lineage, CheckIds.MetadataScan,
        };

        /// <summary>
        /// When the scan runs alone with no workspace given, one small admin listing picks the sample. A refused
        /// listing is the scan's own verdict: the same tenant setting governs both.
        /// </summary>
        private static async Task<IReadOnlyList<CheckResult>> ScanWithChosenSampleAsync(
            PreflightSession session,
            CancellationToken cancellation)
        {
            var filter = new WorkspaceFilter(session.Request);
            var response = await session.PowerBi
                .GetAsync(filter.AdminListingPath(WorkspacePermissionCheck.PageSize), cancellation)
                .ConfigureAwait(false);
            var listing = WorkspaceListing.Read(response, WorkspacePermissionCheck.PageSize, filter);
            if (listing.Readable)
            {
                var sample = WorkspacePermissionCheck.ChooseSample(null, listing, session.Request.SampleSize);
                var count = listing.CountIsLowerBound ? (long?)null : listing.Count;
                return await MetadataScanCheck.RunAsync(session, sample, count, cancellation).ConfigureAwait(false);
            }

            // The round trip and the summary both carry the listing's verdict; the content was never seen.
            var claims = await session.ClaimsAsync(cancellation).ConfigureAwait(false);
            var judged = new[] { MetadataScanCheck.Scan, CheckIds.MetadataScan }
                .Select(id => listing.ShapeProblem != null
                    ? session.NewResult(id).JudgeShape(response, listing.ShapeProblem, session.Redactor)
                    : session.JudgeFailure(session.NewResult(id), response, ApiKind.Admin, claims))
                .ToList();
            var contentChecks = new[]
            {
                MetadataScanCheck.DetailedMetadata, MetadataScanCheck.Expressions, MetadataScanCheck.Lineage,
            };
            var unseen = contentChecks
                .Select(id => session.NewResult(id).Apply(DiagnosisCatalog.ScanDidNotComplete, judged[0].Reason));
            return new[] { judged[0] }.Concat(unseen).Concat(new[] { judged[1] }).ToList();
        }

        private static async Task<CheckResult> AfterAsync(Task first, Func<Task<CheckResult>> next)
        {
            await first.ConfigureAwait(false);
            return await next().ConfigureAwait(false);
        }

        private static void ReportAll(PreflightSession session, IEnumerable<CheckResult> results)
        {
            foreach (var result in results)
            {
                session.Reporter.Result(result);
            }
        }

        /// <summary>
        /// Without a token no later check can run. When the credential check was reported, they are skipped
        /// with its reason; when it was not, each summary carries the credential's own verdict.
        /// </summary>
        private static void ReportWithoutToken(
            PreflightSession session,
            Identity.TokenOutcome token,
            PreflightChecks checks,
            bool expiryReported)
        {
            var pending = new List<string>();
            if (checks.HasFlag(PreflightChecks.CredentialScope) && !expiryReported)
            {
                pending.Add(GraphChecks.Expiry);
            }

            if (checks.HasFlag(PreflightChecks.WorkspacePermission))
            {
                pending.AddRange(new[]
                {
                    WorkspacePermissionCheck.PublicApi, WorkspacePermissionCheck.AdminApi, CheckIds.WorkspacePermission,
                });
            }

            if (checks.HasFlag(PreflightChecks.TenantSettings))
            {
                pending.AddRange(new[] { CheckIds.TenantSettings, GraphChecks.GroupMembership });
            }

            if (checks.HasFlag(PreflightChecks.MetadataScan))
            {
                pending.AddRange(new[]
                {
                    MetadataScanCheck.Scan, MetadataScanCheck.DetailedMetadata, MetadataScanCheck.Expressions,
                    MetadataScanCheck.Lineage, CheckIds.MetadataScan, CheckIds.Refreshables,
                });
            }

            var credentialReported = checks.HasFlag(PreflightChecks.CredentialScope);
            var credentialVerdict = CredentialScopeCheck.Describe(
                session,
                token,
                session.NewResult(CheckIds.CredentialScope));
            foreach (var check in pending)
            {
                var result = session.NewResult(check);
                var isSummary = check == CheckIds.WorkspacePermission || check == CheckIds.MetadataScan;
                if (!credentialReported && isSummary)
                {
                    result = CredentialScopeCheck.Describe(session, token, result);
                }
                else
                {
                    result.Apply(DiagnosisCatalog.CredentialScopeFailed, credentialVerdict.Reason);
                }

                session.Reporter.Result(result);
            }
        }
    }
}
