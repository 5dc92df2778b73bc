using System;
using System.Management.Automation;

namespace PbiPreflight.Commands
{
    /// <summary>The workspace filters of the cmdlets that list or scan workspaces.</summary>
    public abstract class WorkspaceCommandBase : PreflightCommandBase
    {
        /// <summary>Workspaces to look at: the listings are filtered to them, and the scan takes them.</summary>
        [Parameter]
        [ValidateCount(1, PreflightRequest.MaxSampleSize)]
        public Guid[]? WorkspaceId { get; set; }

        /// <summary>Workspace names, wildcards allowed; simple patterns become an OData filter.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[]? WorkspaceName { get; set; }

        /// <summary>Leave personal workspaces out of the admin listing and the scan sample.</summary>
        [Parameter]
        public SwitchParameter ExcludePersonalWorkspaces { get; set; }

        /// <inheritdoc />
        protected override void Configure(PreflightRequest request)
        {
            request.WorkspaceIds = WorkspaceId ?? Array.Empty<Guid>();
            request.WorkspaceNames = WorkspaceName ?? Array.Empty<string>();
            request.ExcludePersonalWorkspaces = ExcludePersonalWorkspaces.IsPresent;
        }

        /// <summary>Applies the propagation wait of the cmdlets that offer it.</summary>
        protected static void ConfigurePropagation(PreflightRequest request, int minutes, int intervalSec)
        {
            request.WaitForPropagation = TimeSpan.FromMinutes(minutes);
            request.PropagationRetryInterval = TimeSpan.FromSeconds(intervalSec);
        }
    }
}
