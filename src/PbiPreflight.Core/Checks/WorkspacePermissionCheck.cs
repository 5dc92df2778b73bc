using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PbiPreflight.Diagnosis;

namespace PbiPreflight.Checks
{
    /// <summary>
    /// Can this identity see workspaces, through the public API (those it is a member of) and through the
    /// read-only admin API. "There are none" and "you may not look" are different answers.
    /// </summary>
    internal static class WorkspacePermissionCheck
    {
        /// <summary>One small page from each listing; the tenant's size never changes the cost.</summary>
        public const int PageSize = 100;

        public const string PublicListingPath = "groups?$top=100";

        // Active workspaces with their datasets, so the scan can sample workspaces that hold something.
        public const string AdminListingPath =
            "admin/groups?$top=100&$filter=state%20eq%20%27Active%27&$expand=datasets";

        public static async Task<(CheckResult Result, IReadOnlyList<string> Sample)> RunAsync(
            PreflightSession session,
            CancellationToken cancellation)
        {
            var stopwatch = Stopwatch.StartNew();
            var result = session.NewResult(CheckIds.WorkspacePermission);

            // The two listings do not depend on each other.
            var publicCall = session.PowerBi.GetAsync(PublicListingPath, cancellation);
            var adminCall = session.PowerBi.GetAsync(AdminListingPath, cancellation);
            var publicListing = WorkspaceListing.Read(await publicCall.ConfigureAwait(false), PageSize);
            var adminListing = WorkspaceListing.Read(await adminCall.ConfigureAwait(false), PageSize);
            var claims = await session.ClaimsAsync(cancellation).ConfigureAwait(false);

            Judge(session, result, publicListing, adminListing, claims);
            var sample = ChooseSample(publicListing, adminListing, session.Request.SampleSize);
            result.Details["PublicWorkspaceCount"] = publicListing.Readable ? publicListing.Count : (long?)null;
            result.Details["AdminWorkspaceCount"] = adminListing.Readable ? adminListing.Count : (long?)null;
            result.Details["CountIsLowerBound"] = publicListing.CountIsLowerBound || adminListing.CountIsLowerBound;
            result.Details["SampledWorkspaceIds"] = sample;
            result.Duration = stopwatch.Elapsed;
            return (result, sample);
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

        private static void Judge(
            PreflightSession session,
            CheckResult result,
            WorkspaceListing publicListing,
            WorkspaceListing adminListing,
            Identity.TokenClaims? claims)
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
                    : other.ShapeProblem ?? other.Response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var failedToo = Messages.Format(Messages.OtherListingFailedToo, other.Response.Operation, answer);
                result.Message += " " + failedToo;
            }
            else if (other.Count > 0 && result.Status == CheckStatus.Failed)
            {
                // The crawl can still see workspaces through the other door.
                result.Status = CheckStatus.Warning;
                var stillShows = publicFailed ? Messages.AdminListingStillShows : Messages.PublicListingStillShows;
                result.Message += " " + Messages.Format(stillShows, other.Count);
            }
        }
    }
}
