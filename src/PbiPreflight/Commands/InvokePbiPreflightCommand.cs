using System.Management.Automation;

namespace PbiPreflight.Commands
{
    /// <summary>
    /// Runs the three checks in order for each tenant: credential scope, workspace permission, then the metadata
    /// scan with refreshables. When the credentials fail, the later checks are skipped with the reason.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "PbiPreflight", DefaultParameterSetName = ClientSecretSet)]
    [OutputType(typeof(CheckResult))]
    public sealed class InvokePbiPreflightCommand : ScanCommandBase
    {
        /// <inheritdoc />
        protected override PreflightChecks Checks => PreflightChecks.All;
    }
}
