using System.Management.Automation;

namespace PbiPreflight.Commands
{
    /// <summary>
    /// Runs one scanner round trip on a few workspaces and reads the refreshables, and reports whether the scan
    /// works and whether its result carries tables and expressions.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "PbiMetadataScan", DefaultParameterSetName = ClientSecretSet)]
    [OutputType(typeof(CheckResult))]
    public sealed class TestPbiMetadataScanCommand : ScanCommandBase
    {
        /// <inheritdoc />
        protected override PreflightChecks Checks => PreflightChecks.MetadataScan;
    }
}
