using System.Management.Automation;

namespace PbiPreflight.Commands
{
    /// <summary>
    /// Lists one small page of workspaces through the public API and through the read-only admin API, and
    /// reports which door is open, which is shut, and which shows nothing.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "PbiWorkspacePermission", DefaultParameterSetName = ClientSecretSet)]
    [OutputType(typeof(CheckResult))]
    public sealed class TestPbiWorkspacePermissionCommand : PreflightCommandBase
    {
        /// <inheritdoc />
        protected override PreflightChecks Checks => PreflightChecks.WorkspacePermission;
    }
}
