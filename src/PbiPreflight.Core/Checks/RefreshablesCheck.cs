using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using PbiPreflight.Diagnosis;

namespace PbiPreflight.Checks
{
    /// <summary>Can this identity read the tenant's refreshables, at the cost of one call of its 200 an hour.</summary>
    internal static class RefreshablesCheck
    {
        public const string Path = "admin/capacities/refreshables?$top=1";

        public static async Task<CheckResult> RunAsync(PreflightSession session, CancellationToken cancellation)
        {
            var stopwatch = Stopwatch.StartNew();
            var result = session.NewResult(CheckIds.Refreshables);
            var response = await session.PowerBi.GetAsync(Path, cancellation).ConfigureAwait(false);

            // Refreshables come as the same OData list of items with GUID ids as workspaces do, so the same
            // reader judges the page's shape.
            var listing = WorkspaceListing.Read(response, 1);
            if (listing.Readable)
            {
                result.HttpStatus = response.Status;
                result.RequestId = response.RequestId;
                result.Details["RefreshablesInFirstPage"] = listing.Count;
                result.Apply(DiagnosisCatalog.RefreshablesReadable, listing.Count);
            }
            else if (listing.ShapeProblem != null)
            {
                result.JudgeShape(response, listing.ShapeProblem, session.Redactor);
            }
            else
            {
                var claims = await session.ClaimsAsync(cancellation).ConfigureAwait(false);
                session.JudgeFailure(result, response, ApiKind.Admin, claims);
            }

            result.Duration = stopwatch.Elapsed;
            return result;
        }
    }
}
