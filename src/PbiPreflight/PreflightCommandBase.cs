using System;
using System.Net;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
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

        /// <summary>The parameter set of a certificate in the store, named by its thumbprint.</summary>
        protected const string CertificateThumbprintSet = "CertificateThumbprint";

        /// <summary>The parameter set of a certificate given as an object.</summary>
        protected const string CertificateSet = "Certificate";

        /// <summary>The parameter set of a certificate in a PFX or PEM file.</summary>
        protected const string CertificatePathSet = "CertificatePath";

        /// <summary>The parameter set of a user's name and password.</summary>
        protected const string UserCredentialSet = "UserCredential";

        /// <summary>The parameter set of a device code sign-in.</summary>
        protected const string DeviceCodeSet = "DeviceCode";

        /// <summary>The parameter set of a managed identity.</summary>
        protected const string IdentitySet = "Identity";

        /// <summary>The parameter set of a federated token given as a value.</summary>
        protected const string FederatedTokenSet = "FederatedToken";

        /// <summary>The parameter set of a federated token in a file.</summary>
        protected const string FederatedTokenFileSet = "FederatedTokenFile";

        /// <summary>
        /// The parameter set of workload identity federation with the token found in the environment.
        /// </summary>
        protected const string WorkloadIdentitySet = "WorkloadIdentity";

        /// <summary>The parameter set of an access token the caller already has.</summary>
        protected const string AccessTokenSet = "AccessToken";

        private const int ProgressActivityId = 0x5042;

        private readonly CancellationTokenSource stopping = new CancellationTokenSource();

        private readonly Queue<TenantRun> pending = new Queue<TenantRun>();

        private SemaphoreSlim? throttle;

        private int started;

        /// <summary>
        /// The directory (tenant) id, or a verified domain of the tenant. With workload identity federation,
        /// <c>AZURE_TENANT_ID</c> fills it in when it is not given.
        /// </summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Tenant", "TenantDomain")]
        public string TenantId { get; set; } = string.Empty;

        /// <summary>
        /// The application (client) id of the app registration; with <c>-Identity</c>, a user-assigned identity's
        /// client id. With workload identity federation, <c>AZURE_CLIENT_ID</c> fills it in when it is not given.
        /// </summary>
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = ClientSecretSet,
            ValueFromPipelineByPropertyName = true)]
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = CertificateThumbprintSet,
            ValueFromPipelineByPropertyName = true)]
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = CertificateSet,
            ValueFromPipelineByPropertyName = true)]
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = CertificatePathSet,
            ValueFromPipelineByPropertyName = true)]
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = UserCredentialSet,
            ValueFromPipelineByPropertyName = true)]
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = DeviceCodeSet,
            ValueFromPipelineByPropertyName = true)]
        [Parameter(Position = 1, ParameterSetName = IdentitySet, ValueFromPipelineByPropertyName = true)]
        [Parameter(Position = 1, ParameterSetName = FederatedTokenSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(Position = 1, ParameterSetName = FederatedTokenFileSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(Position = 1, ParameterSetName = WorkloadIdentitySet, ValueFromPipelineByPropertyName = true)]
        [Parameter(Position = 1, ParameterSetName = AccessTokenSet, ValueFromPipelineByPropertyName = true)]
        [Alias("ApplicationId", "AppId")]
        public string ClientId { get; set; } = string.Empty;

        /// <summary>The client secret's value; piped rows of many tenants may carry it as a property.</summary>
        /// <remarks>
        /// Only the secret binds from piped rows. PowerShell binds a row's properties within the default parameter
        /// set first and does not fall over to another set, so a row carrying -Credential or a certificate would
        /// fail to bind; those are given as parameters instead.
        /// </remarks>
        [Parameter(Mandatory = true, ParameterSetName = ClientSecretSet, ValueFromPipelineByPropertyName = true)]
        public SecureString? ClientSecret { get; set; }

        /// <summary>The client id as user name and the client secret as password.</summary>
        [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>The thumbprint of a certificate with its private key in the current user's My store (then,
        /// on Windows, the local machine's).</summary>
        [Parameter(Mandatory = true, ParameterSetName = CertificateThumbprintSet)]
        public string? CertificateThumbprint { get; set; }

        /// <summary>A certificate with its private key.</summary>
        [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
        public X509Certificate2? Certificate { get; set; }

        /// <summary>A PFX file, or (PowerShell 7) a PEM file with the certificate and its private key.</summary>
        [Parameter(Mandatory = true, ParameterSetName = CertificatePathSet)]
        public string? CertificatePath { get; set; }

        /// <summary>The password of the PFX file, or of an encrypted PEM key.</summary>
        [Parameter(ParameterSetName = CertificatePathSet)]
        public SecureString? CertificatePassword { get; set; }

        /// <summary>Sends the certificate chain (x5c), for subject name and issuer authentication.</summary>
        [Parameter(ParameterSetName = CertificateThumbprintSet)]
        [Parameter(ParameterSetName = CertificateSet)]
        [Parameter(ParameterSetName = CertificatePathSet)]
        public SwitchParameter SendCertificateChain { get; set; }

        /// <summary>Days before the certificate's end from which its check warns.</summary>
        [Parameter(ParameterSetName = CertificateThumbprintSet)]
        [Parameter(ParameterSetName = CertificateSet)]
        [Parameter(ParameterSetName = CertificatePathSet)]
        [ValidateRange(0, 3650)]
        public int CertificateExpiryWarningDays { get; set; } = 30;

        /// <summary>A user's name and password (delegated sign-in through a public client).</summary>
        [Parameter(Mandatory = true, ParameterSetName = UserCredentialSet)]
        [Credential]
        public PSCredential? UserCredential { get; set; }

        /// <summary>Signs a user in with a code entered at https://microsoft.com/devicelogin on any device.</summary>
        [Parameter(Mandatory = true, ParameterSetName = DeviceCodeSet)]
        public SwitchParameter UseDeviceCode { get; set; }

        /// <summary>Signs in as the managed identity of the Azure resource this runs on.</summary>
        [Parameter(Mandatory = true, ParameterSetName = IdentitySet)]
        [Alias("ManagedIdentity")]
        public SwitchParameter Identity { get; set; }

        /// <summary>An external token for workload identity federation, sent as the client assertion.</summary>
        [Parameter(Mandatory = true, ParameterSetName = FederatedTokenSet)]
        [Parameter(ParameterSetName = WorkloadIdentitySet)]
        public SecureString? FederatedToken { get; set; }

        /// <summary>A file holding the external token, read at each sign-in (Kubernetes).</summary>
        [Parameter(Mandatory = true, ParameterSetName = FederatedTokenFileSet)]
        [Parameter(ParameterSetName = WorkloadIdentitySet)]
        public string? FederatedTokenFile { get; set; }

        /// <summary>
        /// Signs in with workload identity federation, the token taken from AZURE_FEDERATED_TOKEN_FILE or, in a
        /// GitHub Actions job, from the runner.
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = WorkloadIdentitySet)]
        public SwitchParameter WorkloadIdentity { get; set; }

        /// <summary>An access token for the Power BI API that the caller already has; it is inspected, not
        /// renewed.</summary>
        [Parameter(Mandatory = true, ParameterSetName = AccessTokenSet)]
        public SecureString? AccessToken { get; set; }

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
                var tenantId = TenantId;
                var clientId = ClientId;
                var credential = BuildCredential(ref clientId);
                if (IsWorkloadIdentity)
                {
                    // The variables the Azure SDKs and the workload identity webhook set fill in what was not
                    // given; they never choose the kind of sign-in, the parameters do.
                    tenantId = Fallback(tenantId, "AZURE_TENANT_ID");
                    clientId = Fallback(clientId, "AZURE_CLIENT_ID");
                }

                var endpoints = Endpoints();
                WarnOnAuthorityHost(endpoints);
                var connection = new ConnectionOptions(
                    tenantId,
                    clientId,
                    credential,
                    endpoints,
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

        private bool IsWorkloadIdentity => ParameterSetName == FederatedTokenSet ||
            ParameterSetName == FederatedTokenFileSet || ParameterSetName == WorkloadIdentitySet;

        private PreflightCredential BuildCredential(ref string clientId)
        {
            switch (ParameterSetName)
            {
                case CredentialSet:
                    clientId = ClientIdOf(Credential);
                    return new ClientSecretCredential(Credential?.Password);
                case CertificateThumbprintSet:
                case CertificateSet:
                case CertificatePathSet:
                    return new CertificateCredential
                    {
                        Certificate = Certificate,
                        Thumbprint = CertificateThumbprint,
                        Path = CertificatePath is null ? null : ResolvePath(CertificatePath),
                        Password = CertificatePassword,
                        SendCertificateChain = SendCertificateChain.IsPresent,
                        ExpiryWarningDays = CertificateExpiryWarningDays,
                    };
                case UserCredentialSet:
                    return new UserPasswordCredential(
                        UserCredential?.UserName ?? string.Empty,
                        UserCredential?.Password);
                case DeviceCodeSet:
                    return new DeviceCodeCredential();
                case IdentitySet:
                    return new ManagedIdentityCredential();
                case FederatedTokenSet:
                case FederatedTokenFileSet:
                case WorkloadIdentitySet:
                    return new FederatedTokenCredential
                    {
                        Token = FederatedToken,
                        TokenFile = FederatedTokenFile is null ? null : ResolvePath(FederatedTokenFile),
                    };
                case AccessTokenSet:
                    return new AccessTokenCredential(AccessToken);
                default:
                    return new ClientSecretCredential(ClientSecret);
            }
        }

        // A relative path is relative to PowerShell's current location, not the process's.
        private string ResolvePath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

        private static string Fallback(string given, string variable)
        {
            return string.IsNullOrWhiteSpace(given)
                ? System.Environment.GetEnvironmentVariable(variable) ?? string.Empty
                : given;
        }

        // AZURE_AUTHORITY_HOST names the sign-in host of the cloud the workload lives in; a different -Environment
        // is most likely a mistake, but the parameter wins.
        private void WarnOnAuthorityHost(CloudEndpoints endpoints)
        {
            var variable = System.Environment.GetEnvironmentVariable("AZURE_AUTHORITY_HOST");
            if (IsWorkloadIdentity && Uri.TryCreate(variable, UriKind.Absolute, out var host) &&
                !string.Equals(host.Host, endpoints.AuthorityHost.Host, StringComparison.OrdinalIgnoreCase))
            {
                WriteWarning(Messages.Format(Messages.AuthorityHostDiffers, host.Host, endpoints.AuthorityHost.Host));
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
