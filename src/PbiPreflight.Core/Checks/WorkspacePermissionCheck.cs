using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PbiPreflight.Diagnosis;
using PbiPreflight.Identity;

namespace PbiPreflight.Checks
{
    /// <summary>What the workspace check found: its results in order, the scan sample, and the tenant's size.</summary>
    internal sealed class WorkspaceFindings
    {
        public IReadOnlyList<CheckResult> Results { get; set; } = Array.Empty<CheckResult>();

        public IReadOnlyList<string> Sample { get; set; } = Array.Empty<string>();

        /// <summary>Active workspaces the admin listing counted, when it answered.</summary>
        public long? TenantWorkspaceCount { get; set; }

        public CheckResult Summary => Results[Results.Count - 1];
    }

    /// <summary>
    /// Can this identity see workspaces, through the public API (those it is a member of) and through the
    /// read-only admin API. "There are none" and "you may not look" are different answers; each listing has its
    /// own sub-check, and the summary says what a crawl will meet.
    /// </summary>
    internal static class WorkspacePermissionCheck
    {
        /// <summary>One small page from each listing; the tenant's size never changes the cost.</summary>
        public const int PageSize = 100;

        public const string PublicApi = CheckIds.WorkspacePermission + ".PublicApi";

        public const string AdminApi = CheckIds.WorkspacePermission + ".AdminApi";

        public static async Task<WorkspaceFindings> RunAsync(PreflightSession session, CancellationToken cancellation)
        {
            var stopwatch = Stopwatch.StartNew();
            var filter = new WorkspaceFilter(session.Request);

            // The two listings do not depend on each other.
            var publicCall = session.PowerBi.GetAsync(filter.PublicListingPath(PageSize), cancellation);
            var adminCall = session.PowerBi.GetAsync(filter.AdminListingPath(PageSize), cancellation);
            var publicListing = WorkspaceListing.Read(await publicCall.ConfigureAwait(false), PageSize, filter);
            var adminListing = WorkspaceListing.Read(await adminCall.ConfigureAwait(false), PageSize, filter);
            var claims = await session.ClaimsAsync(cancellation).ConfigureAwait(false);

            var publicResult = Describe(session, session.NewResult(PublicApi), publicListing, ApiKind.Public, claims);
            var adminResult = Describe(session, session.NewResult(AdminApi), adminListing, ApiKind.Admin, claims);
            AddSampleCounts(adminResult, adminListing);

            var summary = session.NewResult(CheckIds.WorkspacePermission);
            var filtered = session.Request.WorkspaceIds.Count > 0 || session.Request.WorkspaceNames.Count > 0;
            Judge(session, summary, publicListing, adminListing, claims, filtered);
            var sample = ChooseSample(publicListing, adminListing, session.Request.SampleSize);
            summary.Details["PublicWorkspaceCount"] = publicListing.Readable ? publicListing.Count : (long?)null;
            summary.Details["AdminWorkspaceCount"] = adminListing.Readable ? adminListing.Count : (long?)null;
            summary.Details["CountIsLowerBound"] = publicListing.CountIsLowerBound || adminListing.CountIsLowerBound;
            summary.Details["FilteredLocally"] = filter.FiltersLocally;
            summary.Details["SampledWorkspaceIds"] = sample;

            var elapsed = stopwatch.Elapsed;
            foreach (var result in new[] { publicResult, adminResult, summary })
            {
                result.Duration = elapsed;
            }

            return new WorkspaceFindings
            {
                Results = new[] { publicResult, adminResult, summary },
                Sample = sample,
                TenantWorkspaceCount = adminListing.Readable && !adminListing.CountIsLowerBound
                    ? adminListing.Count
                    : (long?)null,
            };
        }

        /// <summary>
        /// Workspaces worth scanning: active, not personal, holding datasets when the admin listing says so,
        /// else whatever the listings showed.
        /// </summary>
        public static IReadOnlyList<string> ChooseSample(
            WorkspaceListing? publicListing,
            WorkspaceListing adminListing,
            int size)
        {
            var candidates = adminListing.Workspaces.Where(workspace => workspace.IsActive && !workspace.IsPersonal);
            var withDatasets = candidates.Where(workspace => workspace.DatasetCount > 0);
            var fromPublic = publicListing?.Workspaces.Where(workspace => !workspace.IsPersonal)
                ?? Enumerable.Empty<WorkspaceSummary>();

            return withDatasets.Concat(candidates).Concat(fromPublic)
                .Select(workspace => workspace.Id!)
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .Take(size)
                .ToList();
        }

        /// <summary>One listing's own verdict.</summary>
        private static CheckResult Describe(
            PreflightSession session,
            CheckResult result,
            WorkspaceListing listing,
            ApiKind kind,
            TokenClaims? claims)
        {
            if (!listing.Readable)
            {
                return listing.ShapeProblem != null
                    ? result.JudgeShape(listing.Response, listing.ShapeProblem, session.Redactor)
                    : session.JudgeFailure(result, listing.Response, kind, claims);
            }

            result.HttpStatus = listing.Response.Status;
            result.RequestId = listing.Response.RequestId;
            result.Details["WorkspaceCount"] = listing.Count;
            result.Details["CountIsLowerBound"] = listing.CountIsLowerBound;
            if (kind == ApiKind.Public)
            {
                return listing.Count > 0
                    ? result.Apply(DiagnosisCatalog.PublicApiReadable, listing.Count)
                    : result.Apply(DiagnosisCatalog.NoWorkspaceMembership);
            }

            return listing.Count > 0
                ? result.Apply(DiagnosisCatalog.AdminApiReadable, listing.Count)
                : result.Apply(DiagnosisCatalog.TenantHasNoWorkspaces);
        }

        private static void AddSampleCounts(CheckResult result, WorkspaceListing listing)
        {
            if (!listing.Readable)
            {
                return;
            }

            // What the one page shows; the tenant-wide count is WorkspaceCount.
            result.Details["PageActive"] = listing.Workspaces.Count(workspace => workspace.IsActive);
            result.Details["PagePersonal"] = listing.Workspaces.Count(workspace => workspace.IsPersonal);
            result.Details["PageWithDatasets"] = listing.Workspaces.Count(workspace => workspace.DatasetCount > 0);
        }

        private static void Judge(
            PreflightSession session,
            CheckResult result,
            WorkspaceListing publicListing,
            WorkspaceListing adminListing,
            TokenClaims? claims,
            bool filtered)
        {
            var publicCount = publicListing.Count;
            var adminCount = adminListing.Count;

            if (publicListing.Readable && adminListing.Readable)
            {
                if (publicCount > 0)
                {
                    result.HttpStatus = publicListing.Response.Status;
                    result.RequestId = publicListing.Response.RequestId;
                    result.Apply(DiagnosisCatalog.WorkspacesVisible, publicCount, adminCount);
                }
                else if (adminCount > 0)
                {
                    result.Apply(DiagnosisCatalog.NotWorkspaceMember, adminCount);
                }
                else if (filtered)
                {
                    result.Apply(DiagnosisCatalog.NoWorkspacesMatchFilter);
                }
                else
                {
                    result.Apply(DiagnosisCatalog.NoWorkspacesVisible);
                }

                return;
            }

            // At least one listing failed: the public one's verdict decides when both did, and what the other
            // listing saw is said alongside.
            var publicFailed = !publicListing.Readable;
            var failed = publicFailed ? publicListing : adminListing;
            var other = publicFailed ? adminListing : publicListing;
            if (failed.ShapeProblem != null)
            {
                result.JudgeShape(failed.Response, failed.ShapeProblem, session.Redactor);
            }
            else
            {
                session.JudgeFailure(result, failed.Response, publicFailed ? ApiKind.Public : ApiKind.Admin, claims);
            }

            if (!other.Readable)
            {
                var answer = other.Response.Status == 0
                    ? "no answer"
                    : other.ShapeProblem ??
                        other.Response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var failedToo = Messages.Format(Messages.OtherListingFailedToo, other.Response.Operation, answer);
                result.Message = EndSentence(result.Message) + " " + failedToo;
            }
            else if (other.Count > 0 && result.Status == CheckStatus.Failed)
            {
                // The crawl can still see workspaces through the other door.
                result.Status = CheckStatus.Warning;
                var stillShows = publicFailed ? Messages.AdminListingStillShows : Messages.PublicListingStillShows;
                result.Message = EndSentence(result.Message) + " " + Messages.Format(stillShows, other.Count);
            }
        }

        // A message may end with the platform's own text, which does not always end a sentence.
        private static string EndSentence(string message)
        {
            var trimmed = message.TrimEnd();
            return trimmed.Length == 0 || ".!?".IndexOf(trimmed[trimmed.Length - 1]) >= 0 ? trimmed : trimmed + ".";
        }
    }
}
