using System.Management.Automation;

namespace PbiPreflight.Commands
{
    /// <summary>
    /// Requests a fresh token for the Power BI API and reports whether it came, what it carries, or why Entra ID
    /// refused it.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "PbiCredentialScope", DefaultParameterSetName = ClientSecretSet)]
    [OutputType(typeof(CheckResult))]
    public sealed class TestPbiCredentialScopeCommand : PreflightCommandBase
    {
        /// <inheritdoc />
        protected override PreflightChecks Checks => PreflightChecks.CredentialScope;
    }
}
