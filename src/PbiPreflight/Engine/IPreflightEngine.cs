using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using PbiPreflight.Reports;

namespace PbiPreflight.Engine
{
    /// <summary>
    /// The one doorway from the cmdlets into the engine. The engine lives in its own assembly, loaded beside its
    /// dependencies (MSAL, Polly) where no other module can see them, so the cmdlets reach it through this
    /// interface rather than by a compile-time reference. Everything that crosses it is defined in this assembly.
    /// </summary>
    internal interface IPreflightEngine
    {
        /// <summary>Throws <see cref="PreflightArgumentException"/> when the request cannot run.</summary>
        void Validate(PreflightRequest request);

        /// <summary>Runs the checks of one request and reports each result; only cancellation throws.</summary>
        Task RunAsync(PreflightRequest request, IPreflightReporter reporter, CancellationToken cancellation);

        /// <summary>
        /// Runs a sign-in against answers held in memory, so that the first real one finds its code compiled.
        /// Never throws, never touches the network.
        /// </summary>
        Task RehearseSignInAsync();

        /// <summary>Writes a report of <paramref name="results"/> to <paramref name="destination"/>.</summary>
        void WriteReport(IEnumerable<CheckResult> results, ReportFormat format, Stream destination);
    }
}
