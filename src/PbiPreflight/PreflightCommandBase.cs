using System;
using System.Net;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using PbiPreflight.Engine;

namespace PbiPreflight.Commands
{
    /// <summary>
    /// The parameters and the run loop the four cmdlets share: bind, validate before any network call, run the
    /// engine on a worker, and write what it reports from the pipeline thread.
    /// </summary>
    public abstract class PreflightCommandBase : PSCmdlet
    {
        /// <summary>The parameter set of a secret given as <c>-ClientId</c> and <c>-ClientSecret</c>.</summary>
        protected const string ClientSecretSet = "ClientSecret";

        /// <summary>The parameter set of a secret given as a credential whose user name is the client id.</summary>
        protected const string CredentialSet = "Credential";

        private const int ProgressActivityId = 0x5042;

        private readonly CancellationTokenSource stopping = new CancellationTokenSource();

        private readonly Queue<TenantRun> pending = new Queue<TenantRun>();

        private SemaphoreSlim? throttle;

        private int started;

        /// <summary>The directory (tenant) id, or a verified domain of the tenant.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Tenant", "TenantDomain")]
        public string TenantId { get; set; } = string.Empty;

        /// <summary>The application (client) id of the app registration.</summary>
        [Parameter(
            Mandatory = true,
            Position = 1,
            ParameterSetName = ClientSecretSet,
            ValueFromPipelineByPropertyName = true)]
        [Alias("ApplicationId", "AppId")]
        public string ClientId { get; set; } = string.Empty;

        /// <summary>The client secret's value.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ClientSecretSet)]
        public SecureString? ClientSecret { get; set; }

        /// <summary>The client id as user name and the client secret as password.</summary>
        [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>The cloud the tenant lives in: a <see cref="PbiEnvironment"/> name.</summary>
        /// <remarks>
        /// A string rather than the enum: PowerShell silently skips a piped value it cannot convert to an enum
        /// parameter of a compiled cmdlet, so a typo in a CSV column would quietly test the public cloud.
        /// </remarks>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(EnvironmentCompleter))]
        public string Environment { get; set; } = nameof(PbiEnvironment.Public);

        /// <summary>The Entra ID origin, with <c>-Environment Custom</c> only.</summary>
        [Parameter]
        public Uri? AuthorityHost { get; set; }

        /// <summary>The Power BI REST origin, with <c>-Environment Custom</c> only.</summary>
        [Parameter]
        public Uri? ApiBaseUri { get; set; }

        /// <summary>The Power BI resource the token is for, with <c>-Environment Custom</c> only.</summary>
        [Parameter]
        public Uri? ResourceUri { get; set; }

        /// <summary>The Microsoft Graph origin, with <c>-Environment Custom</c> only (default -ApiBaseUri).</summary>
        [Parameter]
        public Uri? GraphBaseUri { get; set; }

        /// <summary>The Fabric admin API origin, with <c>-Environment Custom</c> only (default -ApiBaseUri).</summary>
        [Parameter]
        public Uri? FabricBaseUri { get; set; }

        /// <summary>A proxy for every request, instead of the system's settings.</summary>
        [Parameter]
        public Uri? Proxy { get; set; }

        /// <summary>Credentials for <c>-Proxy</c>.</summary>
        [Parameter]
        [Credential]
        public PSCredential? ProxyCredential { get; set; }

        /// <summary>Sends the current user's credentials to <c>-Proxy</c> (integrated authentication).</summary>
        [Parameter]
        public SwitchParameter ProxyUseDefaultCredentials { get; set; }

        /// <summary>How long one request may take, in seconds.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = 100;

        /// <summary>
        /// How long one check may take, its retries and waits included, in seconds. A Retry-After longer than what
        /// is left ends the check at once with the time to come back.
        /// </summary>
        [Parameter]
        [ValidateRange(10, 7200)]
        public int CheckTimeoutSec { get; set; } = 300;

        /// <summary>
        /// Writes one non-terminating error per failed check, with the check's reason as error id, so that
        /// <c>-ErrorAction Stop</c> or <c>$?</c> fails a runbook without parsing the results.
        /// </summary>
        [Parameter]
        public SwitchParameter FailOnError { get; set; }

        /// <summary>The checks this cmdlet runs.</summary>
        protected abstract PreflightChecks Checks { get; }

        /// <summary>How many tenants of the piped input run at once; one unless the cmdlet says otherwise.</summary>
        protected virtual int ThrottleLimitValue => 1;

        /// <summary>True when the cmdlet should write one Boolean per tenant instead of the results.</summary>
        protected virtual bool QuietRequested => false;

        /// <summary>Lets a cmdlet add its own options to the request.</summary>
        protected virtual void Configure(PreflightRequest request)
        {
        }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var request = BuildRequest();
            if (request is null)
            {
                return;
            }

            Run(request);
        }

        /// <inheritdoc />
        protected override void StopProcessing()
        {
            stopping.Cancel();
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            WritePending(untilAtMost: 0);
            stopping.Dispose();
            throttle?.Dispose();
        }

        private PreflightRequest? BuildRequest()
        {
            try
            {
                var secretGivenAsCredential = ParameterSetName == CredentialSet;
                var clientId = secretGivenAsCredential ? ClientIdOf(Credential) : ClientId;
                var secret = secretGivenAsCredential ? Credential?.Password : ClientSecret;
                var connection = new ConnectionOptions(
                    TenantId,
                    clientId,
                    secret,
                    Endpoints(),
                    TimeSpan.FromSeconds(TimeoutSec));
                var request = new PreflightRequest(connection, Checks)
                {
                    Proxy = BuildProxy(),
                    CheckBudget = TimeSpan.FromSeconds(CheckTimeoutSec),
                };
                Configure(request);
                EngineLoader.Engine.Validate(request);
                return request;
            }
            catch (PreflightArgumentException invalid)
            {
                var error = new ErrorRecord(invalid, invalid.ErrorId, ErrorCategory.InvalidArgument, TenantId);
                error.ErrorDetails = new ErrorDetails(invalid.Message)
                {
                    RecommendedAction = "Correct -" + invalid.ParameterName + " and run again.",
                };

                // One bad row of piped input is reported and the rest go on; a bad direct call stops.
                if (MyInvocation.ExpectingInput)
                {
                    WriteError(error);
                    return null;
                }

                ThrowTerminatingError(error);
                return null;
            }
        }

        // Windows PowerShell's Get-Credential returns "\name" for a name typed without a domain, and some vaults
        // store "DOMAIN\name"; the client id is the part after the last backslash.
        private static string ClientIdOf(PSCredential? credential)
        {
            var userName = credential?.UserName ?? string.Empty;
            return userName.Substring(userName.LastIndexOf('\\') + 1);
        }

        private IWebProxy? BuildProxy()
        {
            if (Proxy is null)
            {
                if (ProxyCredential != null || ProxyUseDefaultCredentials.IsPresent)
                {
                    throw new PreflightArgumentException(
                        "ProxyCredentialWithoutProxy",
                        "ProxyCredential",
                        Messages.ProxyCredentialWithoutProxy);
                }

                return null;
            }

            if (!Proxy.IsAbsoluteUri || (Proxy.Scheme != Uri.UriSchemeHttp && Proxy.Scheme != Uri.UriSchemeHttps))
            {
                throw new PreflightArgumentException(
                    "InvalidProxy",
                    "Proxy",
                    Messages.Format(Messages.InvalidProxy, WithoutUserInfo(Proxy)));
            }

            if (ProxyCredential != null && ProxyUseDefaultCredentials.IsPresent)
            {
                throw new PreflightArgumentException(
                    "ConflictingProxyCredentials",
                    "ProxyCredential",
                    Messages.ConflictingProxyCredentials);
            }

            // Loopback is not bypassed: a proxy given on purpose carries every request.
            return new WebProxy(Proxy, BypassOnLocal: false)
            {
                Credentials = ProxyUseDefaultCredentials.IsPresent
                    ? CredentialCache.DefaultCredentials
                    : ProxyCredential?.GetNetworkCredential(),
            };
        }

        // A proxy address may carry a user and password; a message shows neither.
        private static string WithoutUserInfo(Uri uri)
        {
            return uri.IsAbsoluteUri
                ? uri.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.UserInfo, UriFormat.UriEscaped)
                : "(a relative address)";
        }

        private CloudEndpoints Endpoints()
        {
            var environment = ParseEnvironment(Environment);
            if (environment == PbiEnvironment.Custom)
            {
                return CloudEndpoints.Custom(AuthorityHost, ApiBaseUri, ResourceUri, GraphBaseUri, FabricBaseUri);
            }

            if (AuthorityHost != null || ApiBaseUri != null || ResourceUri != null || GraphBaseUri != null ||
                FabricBaseUri != null)
            {
                throw new PreflightArgumentException(
                    "CustomUrisRequireCustomEnvironment",
                    "Environment",
                    Messages.CustomUrisRequireCustomEnvironment);
            }

            return CloudEndpoints.For(environment);
        }

        private static PbiEnvironment ParseEnvironment(string? name)
        {
            // Enum.TryParse would also take "3" or "Public,China"; only a declared name is a cloud.
            var match = System.Enum.GetNames(typeof(PbiEnvironment))
                .FirstOrDefault(known => string.Equals(known, name?.Trim(), StringComparison.OrdinalIgnoreCase));
            if (match is null)
            {
                throw new PreflightArgumentException(
                    "InvalidEnvironment",
                    "Environment",
                    Messages.Format(
                        Messages.InvalidEnvironment,
                        name,
                        string.Join(", ", System.Enum.GetNames(typeof(PbiEnvironment)))));
            }

            return (PbiEnvironment)System.Enum.Parse(typeof(PbiEnvironment), match);
        }

        /// <summary>
        /// Starts the engine for one tenant on a worker, then writes whatever the tenants ahead of it in input
        /// order have reported. Tenants run concurrently up to <see cref="ThrottleLimitValue"/>; output stays grouped
        /// per tenant in input order, the first tenant's streaming live and the others' queued until their turn.
        /// </summary>
        private void Run(PreflightRequest request)
        {
            throttle ??= new SemaphoreSlim(ThrottleLimitValue);
            var progress = new ProgressRecord(
                ProgressActivityId + (started++ % 1000),
                Messages.Format(Messages.ProgressActivity, request.Connection.TenantId),
                "Starting");
            var run = new TenantRun(request, progress);
            run.Start(throttle, stopping.Token);
            pending.Enqueue(run);

            // One tenant at a time writes as it goes, as before there were several. With more, a bounded number
            // of tenants is kept ahead so a long input does not queue thousands of runs; the slack over the limit
            // lets a finished tenant's slot go to the next one while an earlier one still runs.
            WritePending(untilAtMost: ThrottleLimitValue == 1 ? 0 : 2 * ThrottleLimitValue);
        }

        /// <summary>
        /// Writes the queued tenants' output in input order until at most <paramref name="untilAtMost"/> tenants
        /// remain, blocking on the first tenant while more than that remain, and then writes what the first
        /// tenants have already reported without blocking.
        /// </summary>
        private void WritePending(int untilAtMost)
        {
            try
            {
                while (pending.Count > untilAtMost)
                {
                    var head = pending.Peek();
                    foreach (var item in head.Reporter.Drain())
                    {
                        Write(item, head);
                    }

                    Finish(pending.Dequeue());
                }

                while (pending.Count > 0)
                {
                    var head = pending.Peek();
                    while (head.Reporter.TryTake(out var item))
                    {
                        Write(item, head);
                    }

                    if (!head.Reporter.IsCompleted)
                    {
                        break;
                    }

                    Finish(pending.Dequeue());
                }
            }
            catch
            {
                // The pipeline stopped taking output (Select-Object -First, Ctrl+C, -ErrorAction Stop): end the
                // engine's calls too, so nothing goes on spending the tenants' quota in the background.
                stopping.Cancel();
                foreach (var run in pending)
                {
                    WaitQuietly(run.Task);
                }

                throw;
            }
        }

        private void Finish(TenantRun run)
        {
            run.Progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(run.Progress);
            if (QuietRequested)
            {
                WriteObject(!run.AnyFailed);
            }

            try
            {
                run.Task!.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Ctrl+C: PowerShell is already stopping the pipeline; nothing is left running.
            }
            catch (Exception unexpected) when (!(unexpected is PipelineStoppedException))
            {
                // A fault in the engine itself, not a failed check: report it with what is known and go on to
                // the next tenant.
                var tenant = run.Request.Connection.TenantId;
                WriteError(new ErrorRecord(unexpected, "PreflightEngineFault", ErrorCategory.NotSpecified, tenant));
            }
        }

        private void WriteResult(CheckResult result)
        {
            if (!QuietRequested)
            {
                WriteObject(result);
            }

            if (FailOnError.IsPresent && result.Status == CheckStatus.Failed)
            {
                var failure = new PreflightCheckFailedException(result);
                var error = new ErrorRecord(failure, result.Reason, CategoryOf(result.Reason), result)
                {
                    ErrorDetails = new ErrorDetails(result.Check + ": " + result.Message)
                    {
                        RecommendedAction = result.Remediation,
                    },
                };
                WriteError(error);
            }
        }

        // The category scripts and hosts group errors by; the reason says exactly what happened.
        private static ErrorCategory CategoryOf(string reason)
        {
            if (reason.EndsWith("NotAuthorized", StringComparison.Ordinal) || reason.Contains("Permission") ||
                reason.Contains("SettingOff") || reason.Contains("SettingGroup") || reason.Contains("BlockAdminApi"))
            {
                return ErrorCategory.PermissionDenied;
            }

            if (reason.Contains("TimedOut"))
            {
                return ErrorCategory.OperationTimeout;
            }

            if (reason.Contains("Secret") || reason.Contains("Tenant") || reason.Contains("App") ||
                reason.Contains("Token") || reason.Contains("Consent") || reason.Contains("SignIn"))
            {
                return ErrorCategory.AuthenticationError;
            }

            return reason.Contains("Proxy") || reason.Contains("Tls") || reason.Contains("Connection") ||
                reason.Contains("Unreachable") || reason.Contains("Resolution")
                ? ErrorCategory.ConnectionError
                : ErrorCategory.InvalidResult;
        }

        private static void WaitQuietly(Task? run)
        {
            try
            {
                run?.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // Cancellation or a fault: either way the engine has ended, which is all that is needed here.
            }
        }

        private void Write(ReportItem item, TenantRun run)
        {
            var progress = run.Progress;
            switch (item.Kind)
            {
                case ReportKind.Verbose:
                    WriteVerbose(item.Text);
                    break;
                case ReportKind.Debug:
                    WriteDebug(item.Text);
                    break;
                case ReportKind.Warning:
                    WriteWarning(item.Text);
                    break;
                case ReportKind.Progress:
                    progress.StatusDescription = item.Text;
                    progress.PercentComplete = item.Percent;
                    WriteProgress(progress);
                    break;
                case ReportKind.Result:
                    run.AnyFailed |= item.Result!.Status == CheckStatus.Failed;
                    WriteResult(item.Result);
                    break;
            }
        }
    }
}
