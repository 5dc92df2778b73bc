using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using PbiPreflight.Engine;
using PbiPreflight.Reports;

namespace PbiPreflight
{
    /// <summary>
    /// What the cmdlets call, found by name when the engine is loaded (see the cmdlet assembly's EngineLoader).
    /// </summary>
    internal sealed class PreflightEngine : IPreflightEngine
    {
        /// <inheritdoc />
        public void Validate(PreflightRequest request)
        {
            PreflightRunner.Validate(request);
        }

        /// <inheritdoc />
        public Task RunAsync(PreflightRequest request, IPreflightReporter reporter, CancellationToken cancellation)
        {
            return PreflightRunner.RunAsync(request, reporter, cancellation);
        }

        /// <inheritdoc />
        public Task RehearseSignInAsync()
        {
            return SignInRehearsal.RunAsync();
        }

        /// <inheritdoc />
        public void WriteReport(IEnumerable<CheckResult> results, ReportFormat format, Stream destination)
        {
            ReportWriter.Write(results, format, destination);
        }
    }
}
