using System.Management.Automation;

namespace PbiPreflight.Commands
{
    /// <summary>
    /// Runs every check in order for each tenant: credential scope, workspace permission, tenant settings, then
    /// the metadata scan with refreshables. When the credentials fail, the later checks are skipped with the reason.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "PbiPreflight", DefaultParameterSetName = ClientSecretSet)]
    [OutputType(typeof(CheckResult))]
    public sealed class InvokePbiPreflightCommand : ScanCommandBase
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

        /// <summary>
        /// How many piped tenants are checked at once. Results still come out grouped per tenant, in input order.
        /// </summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 5;

        /// <inheritdoc />
        protected override PreflightChecks Checks => PreflightChecks.All;

        /// <inheritdoc />
        protected override int ThrottleLimitValue => ThrottleLimit;

        /// <inheritdoc />
        protected override void Configure(PreflightRequest request)
        {
            base.Configure(request);
            ConfigurePropagation(request, WaitForPropagation, PropagationRetryIntervalSec);
        }
    }
}
