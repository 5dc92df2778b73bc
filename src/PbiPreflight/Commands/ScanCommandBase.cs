using System;
using System.Management.Automation;

namespace PbiPreflight.Commands
{
    /// <summary>The parameters of the cmdlets that run a scanner round trip.</summary>
    public abstract class ScanCommandBase : WorkspaceCommandBase
    {
        /// <summary>How many workspaces to sample when none are given.</summary>
        [Parameter]
        [ValidateRange(1, PreflightRequest.MaxSampleSize)]
        public int SampleSize { get; set; } = 3;

        /// <summary>How long to wait for the scan to finish, in seconds.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int ScanTimeoutSec { get; set; } = 120;

        /// <inheritdoc />
        protected override void Configure(PreflightRequest request)
        {
            base.Configure(request);
            request.SampleSize = SampleSize;
            request.ScanTimeout = TimeSpan.FromSeconds(ScanTimeoutSec);
        }
    }
}
