using System;
using System.Threading;
using System.Threading.Tasks;
using PbiPreflight.Diagnosis;
using PbiPreflight.Http;
using PbiPreflight.Identity;

namespace PbiPreflight
{
    /// <summary>
    /// What the checks of one invocation share: the connection pool, the one token, the Power BI client, the
    /// redactor that knows the secret, and the clock.
    /// </summary>
    internal sealed class PreflightSession
    {
        public PreflightSession(
            PreflightRequest request,
            HttpTransport transport,
            IPreflightReporter reporter,
            TimeProvider timeProvider,
            CancellationToken invocation,
            TimeSpan? retryDelay = null)
        {
            Request = request;
            TimeProvider = timeProvider;
            Tls = transport.Tls;
            Redactor = new SecretRedactor();
            foreach (var secret in SecretsOf(request.Connection.Credential))
            {
                Redactor.AddSecret(secret);
            }

            if (request.Proxy?.Credentials is System.Net.NetworkCredential proxyCredential)
            {
                Redactor.AddSecret(proxyCredential.Password);
            }
            Reporter = new RedactingReporter(reporter, Redactor, request.Connection);
            Tokens = new TokenProvider(request.Connection, transport, Reporter, Redactor, invocation);
            var endpoints = request.Connection.Endpoints;
            var powerBiToken = new Func<CancellationToken, Task<string>>(Tokens.GetAccessTokenAsync);
            var renewPowerBi = new Action(Tokens.ForgetPowerBiToken);
            PowerBi = Client(transport, new Uri(endpoints.ApiBaseUri, "v1.0/myorg/"), powerBiToken, renewPowerBi,
                retryDelay);

            // The Fabric admin API takes the Power BI token; Graph needs its own, asked for only when used.
            Fabric = Client(transport, new Uri(endpoints.FabricBaseUri, "v1/admin/"), powerBiToken, renewPowerBi,
                retryDelay);
            var renewGraph = new Action(() => Tokens.Forget(endpoints.GraphScope));
            Graph = Client(transport, new Uri(endpoints.GraphBaseUri, "v1.0/"), GraphTokenAsync, renewGraph,
                retryDelay);
        }

        public PreflightRequest Request { get; }

        public ConnectionOptions Connection => Request.Connection;

        public IPreflightReporter Reporter { get; }

        public SecretRedactor Redactor { get; }

        public TokenProvider Tokens { get; }

        public RestApiClient PowerBi { get; }

        public RestApiClient Fabric { get; }

        public RestApiClient Graph { get; }

        public TimeProvider TimeProvider { get; }

        /// <summary>What certificate validation refused, to name a failed TLS handshake.</summary>
        public TlsObserver? Tls { get; }

        /// <summary>The token's claims, once a token was acquired.</summary>
        public async Task<TokenClaims?> ClaimsAsync(CancellationToken cancellation)
        {
            return (await Tokens.GetAsync(cancellation).ConfigureAwait(false)).Claims;
        }

        // Every value of the caller's credential that must never appear in a result, a message or a log line.
        private static System.Collections.Generic.IEnumerable<string> SecretsOf(PreflightCredential credential)
        {
            switch (credential)
            {
                case ClientSecretCredential secret:
                    yield return ConnectionOptions.Reveal(secret.Secret);
                    break;
                case CertificateCredential certificate:
                    yield return ConnectionOptions.Reveal(certificate.Password);
                    break;
                case UserPasswordCredential user:
                    yield return ConnectionOptions.Reveal(user.Password);
                    break;
                case FederatedTokenCredential federated:
                    yield return ConnectionOptions.Reveal(federated.Token);
                    break;
                case AccessTokenCredential token:
                    yield return ConnectionOptions.Reveal(token.Token);
                    break;
            }
        }

        public CheckResult NewResult(string check) => new CheckResult(check, Connection.TenantId);

        /// <summary>The Graph token's outcome; requested on first use, off the Power BI calls' path.</summary>
        public Task<TokenOutcome> GraphTokenOutcomeAsync(CancellationToken cancellation)
        {
            return Tokens.GetAsync(Connection.Endpoints.GraphScope, cancellation);
        }

        private async Task<string> GraphTokenAsync(CancellationToken cancellation)
        {
            var outcome = await GraphTokenOutcomeAsync(cancellation).ConfigureAwait(false);
            return outcome.AccessToken ?? throw new TokenUnavailableException(TokenProvider.Describe(outcome));
        }

        private RestApiClient Client(
            HttpTransport transport,
            Uri baseUri,
            Func<CancellationToken, Task<string>> token,
            Action renewToken,
            TimeSpan? retryDelay)
        {
            return new RestApiClient(
                transport.ApiClient,
                baseUri,
                token,
                renewToken,
                Reporter,
                Connection.RequestTimeout,
                TimeProvider,
                retryDelay);
        }

        public CheckResult JudgeFailure(CheckResult result, ApiResponse response, ApiKind kind, TokenClaims? claims)
        {
            return result.JudgeFailure(
                response,
                kind,
                claims,
                Connection.Endpoints.ApiBaseUri,
                Redactor,
                Tls,
                Request.Proxy);
        }

        /// <summary>Every message leaves the engine redacted, whoever wrote it.</summary>
        private sealed class RedactingReporter : IPreflightReporter
        {
            private readonly IPreflightReporter inner;
            private readonly SecretRedactor redactor;
            private readonly ConnectionOptions connection;

            public RedactingReporter(IPreflightReporter inner, SecretRedactor redactor, ConnectionOptions connection)
            {
                this.inner = inner;
                this.redactor = redactor;
                this.connection = connection;
            }

            public void Verbose(string message) => inner.Verbose(redactor.Redact(message));

            public void Debug(string message) => inner.Debug(redactor.Redact(message));

            public void Warning(string message) => inner.Warning(redactor.Redact(message));

            public void Progress(string status, int percent) => inner.Progress(redactor.Redact(status), percent);

            public void Result(CheckResult result)
            {
                // The portal link needs the cloud and the app, which only the session knows.
                result.HelpUri ??= PortalLinks.For(result.Page, connection.Endpoints, connection.ClientId);
                inner.Result(redactor.Redact(result));
            }
        }
    }
}
