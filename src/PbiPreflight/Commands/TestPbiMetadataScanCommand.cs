using System.Management.Automation;

namespace PbiPreflight.Commands
{
    /// <summary>
    /// Runs one scanner round trip on a few workspaces and reads the refreshables, and reports whether the scan
    /// works and whether its result carries tables and expressions.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "PbiMetadataScan", DefaultParameterSetName = ClientSecretSet)]
    [OutputType(typeof(CheckResult), typeof(bool))]
    public sealed class TestPbiMetadataScanCommand : ScanCommandBase
    {
        /// <summary>Writes <c>$true</c> when no check failed and <c>$false</c> otherwise, one per tenant.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        /// <inheritdoc />
        protected override bool QuietRequested => Quiet.IsPresent;

        /// <inheritdoc />
        protected override PreflightChecks Checks => PreflightChecks.MetadataScan;
    }
}
