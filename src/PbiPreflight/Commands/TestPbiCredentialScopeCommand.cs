using System.Management.Automation;

namespace PbiPreflight.Commands
{
    /// <summary>
    /// Requests a fresh token for the Power BI API and reports whether it came, what it carries, or why Entra ID
    /// refused it.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "PbiCredentialScope", DefaultParameterSetName = ClientSecretSet)]
    [OutputType(typeof(CheckResult), typeof(bool))]
    public sealed class TestPbiCredentialScopeCommand : PreflightCommandBase
    {
        /// <summary>Writes <c>$true</c> when no check failed and <c>$false</c> otherwise, one per tenant.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        /// <inheritdoc />
        protected override bool QuietRequested => Quiet.IsPresent;

        /// <inheritdoc />
        protected override PreflightChecks Checks => PreflightChecks.CredentialScope;
    }
}
