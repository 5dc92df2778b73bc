using System.Management.Automation;

namespace PbiPreflight.Commands
{
    /// <summary>
    /// Lists one small page of workspaces through the public API and through the read-only admin API, and
    /// reports which door is open, which is shut, and which shows nothing.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "PbiWorkspacePermission", DefaultParameterSetName = ClientSecretSet)]
    [OutputType(typeof(CheckResult), typeof(bool))]
    public sealed class TestPbiWorkspacePermissionCommand : WorkspaceCommandBase
    {
        /// <summary>
        /// Minutes to keep retrying a refused admin or public API while a changed tenant setting applies (it
        /// takes 15 to 30 minutes); 0 tries once. Each try costs one call of admin/groups' 50 an hour.
        /// </summary>
        [Parameter]
        [ValidateRange(0, 120)]
        public int WaitForPropagation { get; set; }

        /// <summary>Seconds between tries while waiting for propagation.</summary>
        [Parameter]
        [ValidateRange(30, 900)]
        public int PropagationRetryIntervalSec { get; set; } = 60;

        /// <summary>Writes <c>$true</c> when no check failed and <c>$false</c> otherwise, one per tenant.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        /// <inheritdoc />
        protected override bool QuietRequested => Quiet.IsPresent;

        /// <inheritdoc />
        protected override PreflightChecks Checks => PreflightChecks.WorkspacePermission;

        /// <inheritdoc />
        protected override void Configure(PreflightRequest request)
        {
            base.Configure(request);
            ConfigurePropagation(request, WaitForPropagation, PropagationRetryIntervalSec);
        }
    }
}
