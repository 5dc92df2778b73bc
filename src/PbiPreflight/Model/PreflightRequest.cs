using System;
using System.Collections.Generic;

namespace PbiPreflight
{
    /// <summary>The checks an invocation runs.</summary>
    [Flags]
    public enum PreflightChecks
    {
        /// <summary>Only the token.</summary>
        CredentialScope = 1,

        /// <summary>The public and admin workspace listings.</summary>
        WorkspacePermission = 2,

        /// <summary>A scanner round trip and the refreshables listing.</summary>
        MetadataScan = 4,

        /// <summary>The tenant settings (Fabric admin API) and group membership (Microsoft Graph).</summary>
        TenantSettings = 8,

        /// <summary>Everything, in order; later checks are skipped when the credentials fail.</summary>
        All = CredentialScope | WorkspacePermission | MetadataScan | TenantSettings,
    }

    /// <summary>What one invocation asks of the engine for one tenant.</summary>
    public sealed class PreflightRequest
    {
        /// <summary>The largest sample the scanner takes in one call.</summary>
        public const int MaxSampleSize = 100;

        /// <summary>Creates a request for the given checks.</summary>
        public PreflightRequest(ConnectionOptions connection, PreflightChecks checks)
        {
            Connection = connection ?? throw new ArgumentNullException(nameof(connection));
            Checks = checks;
        }

        /// <summary>Who signs in where.</summary>
        public ConnectionOptions Connection { get; }

        /// <summary>Which checks to run.</summary>
        public PreflightChecks Checks { get; }

        /// <summary>Workspaces to scan instead of a sample chosen from the admin listing.</summary>
        public IReadOnlyList<Guid> WorkspaceIds { get; set; } = Array.Empty<Guid>();

        /// <summary>Workspace name patterns (wildcards) that both listings and the sample are limited to.</summary>
        public IReadOnlyList<string> WorkspaceNames { get; set; } = Array.Empty<string>();

        /// <summary>Leave personal workspaces out of the admin listing and the sample.</summary>
        public bool ExcludePersonalWorkspaces { get; set; }

        /// <summary>
        /// How long a failing admin API check keeps trying while a changed tenant setting propagates; zero
        /// tries once.
        /// </summary>
        public TimeSpan WaitForPropagation { get; set; } = TimeSpan.Zero;

        /// <summary>The wait between tries while <see cref="WaitForPropagation"/> runs.</summary>
        public TimeSpan PropagationRetryInterval { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>A proxy for every request, MSAL's included; null uses the system's settings.</summary>
        public System.Net.IWebProxy? Proxy { get; set; }

        /// <summary>How many workspaces the scan samples when none are given.</summary>
        public int SampleSize { get; set; } = 3;

        /// <summary>
        /// How long one check may take, all its calls, retries and waits together; a <c>Retry-After</c> longer than
        /// what is left ends the check at once with a warning that says when to come back.
        /// </summary>
        public TimeSpan CheckBudget { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>How long to wait for a scan to finish.</summary>
        public TimeSpan ScanTimeout { get; set; } = TimeSpan.FromSeconds(120);

        /// <summary>
        /// Throws <see cref="PreflightArgumentException"/> when a value is out of range. The engine's own check
        /// of the request goes further (it also parses the workspace name patterns).
        /// </summary>
        public void Validate()
        {
            if (SampleSize < 1 || SampleSize > MaxSampleSize)
            {
                throw new PreflightArgumentException(
                    "InvalidSampleSize",
                    "SampleSize",
                    Messages.Format(Messages.InvalidSampleSize, SampleSize));
            }

            if (WorkspaceIds.Count > MaxSampleSize)
            {
                throw new PreflightArgumentException(
                    "TooManyWorkspaceIds",
                    "WorkspaceId",
                    Messages.Format(Messages.TooManyWorkspaceIds, WorkspaceIds.Count));
            }

            if (CheckBudget < TimeSpan.FromSeconds(10))
            {
                throw new PreflightArgumentException(
                    "InvalidTimeout",
                    "CheckTimeoutSec",
                    Messages.Format(Messages.InvalidTimeout, "CheckTimeoutSec", CheckBudget.TotalSeconds));
            }

            if (ScanTimeout < TimeSpan.FromSeconds(1))
            {
                throw new PreflightArgumentException(
                    "InvalidTimeout",
                    "ScanTimeoutSec",
                    Messages.Format(Messages.InvalidTimeout, "ScanTimeoutSec", ScanTimeout.TotalSeconds));
            }
        }
    }
}
