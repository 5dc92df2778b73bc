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
    /// Runs the checks of one request in order, shares one token and one connection pool between them, and
    /// reports each result as soon as it is known. Failed checks are results; only cancellation throws.
    /// </summary>
    public static class PreflightRunner
    {
        /// <summary>Runs the request over a connection pool of its own.</summary>
        public static async Task RunAsync(
            PreflightRequest request,
            IPreflightReporter reporter,
            CancellationToken cancellation)
        {
            using var transport = new HttpTransport();
            await RunAsync(request, transport, reporter, TimeProvider.System, cancellation).ConfigureAwait(false);
        }

        internal static async Task RunAsync(
            PreflightRequest request,
            HttpTransport transport,
            IPreflightReporter reporter,
            TimeProvider timeProvider,
            CancellationToken cancellation,
            TimeSpan? retryDelay = null)
        {
            request.Validate();
            var session = new PreflightSession(request, transport, reporter, timeProvider, retryDelay);
            var checks = request.Checks;
            var credentialOnly = checks == PreflightChecks.CredentialScope;

            session.Reporter.Progress("Requesting a token", 5);
            var token = await session.Tokens.GetAsync(cancellation).ConfigureAwait(false);
            if (checks.HasFlag(PreflightChecks.CredentialScope))
            {
                var credential = await CredentialScopeCheck.RunAsync(session, cancellation).ConfigureAwait(false);
                session.Reporter.Result(credential);
            }

            if (credentialOnly)
            {
                return;
            }

            if (!token.Succeeded)
            {
                ReportWithoutToken(session, token, checks);
                return;
            }

            var sample = request.WorkspaceIds.Select(id => id.ToString("D")).ToList();
            if (checks.HasFlag(PreflightChecks.WorkspacePermission))
            {
                session.Reporter.Progress("Listing workspaces", 25);
                var (result, chosen) = await WorkspacePermissionCheck.RunAsync(session, cancellation)
                    .ConfigureAwait(false);
                session.Reporter.Result(result);
                if (sample.Count == 0)
                {
                    sample = chosen.ToList();
                }
            }

            if (!checks.HasFlag(PreflightChecks.MetadataScan))
            {
                return;
            }

            // Refreshables do not depend on the scan; both run while the scan is polled.
            session.Reporter.Progress("Scanning a sample of workspaces and reading refreshables", 50);
            var refreshables = RefreshablesCheck.RunAsync(session, cancellation);
            var scan = sample.Count > 0 || checks.HasFlag(PreflightChecks.WorkspacePermission)
                ? MetadataScanCheck.RunAsync(session, sample, cancellation)
                : ScanWithChosenSampleAsync(session, cancellation);

            session.Reporter.Result(await scan.ConfigureAwait(false));
            session.Reporter.Result(await refreshables.ConfigureAwait(false));
        }

        /// <summary>
        /// When the scan runs alone with no workspace given, one small admin listing picks the sample. A refused
        /// listing is the scan's own verdict: the same tenant setting governs both.
        /// </summary>
        private static async Task<CheckResult> ScanWithChosenSampleAsync(
            PreflightSession session,
            CancellationToken cancellation)
        {
            var response = await session.PowerBi.GetAsync(WorkspacePermissionCheck.AdminListingPath, cancellation)
                .ConfigureAwait(false);
            var listing = WorkspaceListing.Read(response, WorkspacePermissionCheck.PageSize);
            if (listing.Readable)
            {
                var sample = WorkspacePermissionCheck.ChooseSample(null, listing, session.Request.SampleSize);
                return await MetadataScanCheck.RunAsync(session, sample, cancellation).ConfigureAwait(false);
            }

            var result = session.NewResult(CheckIds.MetadataScan);
            if (listing.ShapeProblem != null)
            {
                return result.JudgeShape(response, listing.ShapeProblem, session.Redactor);
            }

            var claims = await session.ClaimsAsync(cancellation).ConfigureAwait(false);
            return session.JudgeFailure(result, response, ApiKind.Admin, claims);
        }

        /// <summary>
        /// Without a token no later check can run. When the credential check was reported, they are skipped
        /// with its reason; when it was not, the first of them carries the credential's own verdict.
        /// </summary>
        private static void ReportWithoutToken(
            PreflightSession session,
            Identity.TokenOutcome token,
            PreflightChecks checks)
        {
            var pending = new List<string>();
            if (checks.HasFlag(PreflightChecks.WorkspacePermission))
            {
                pending.Add(CheckIds.WorkspacePermission);
            }

            if (checks.HasFlag(PreflightChecks.MetadataScan))
            {
                pending.Add(CheckIds.MetadataScan);
                pending.Add(CheckIds.Refreshables);
            }

            var credentialReported = checks.HasFlag(PreflightChecks.CredentialScope);
            var credentialVerdict = CredentialScopeCheck.Describe(
                session,
                token,
                session.NewResult(CheckIds.CredentialScope));
            for (var index = 0; index < pending.Count; index++)
            {
                var result = session.NewResult(pending[index]);
                if (!credentialReported && index == 0)
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
