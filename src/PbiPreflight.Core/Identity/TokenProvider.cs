using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.AppConfig;

namespace PbiPreflight.Identity
{
    /// <summary>The outcome of one token request: a token with its claims, or Entra's refusal.</summary>
    internal sealed class TokenOutcome
    {
        public string? AccessToken { get; set; }

        public TokenClaims? Claims { get; set; }

        public DateTimeOffset ExpiresOn { get; set; }

        public EntraError? Error { get; set; }

        public int? HttpStatus { get; set; }

        public string? ResponseBody { get; set; }

        public string? RequestId { get; set; }

        /// <summary>Set when no answer came from Entra ID at all, or MSAL refused before asking.</summary>
        public Exception? Failure { get; set; }

        public bool Succeeded => AccessToken != null;
    }

    /// <summary>
    /// Gets the tokens of an invocation through MSAL, one per resource: once, fresh from the token endpoint, shared
    /// by every check that follows. Each kind of credential has its MSAL application: confidential (secret,
    /// certificate, federated assertion), public (user password, device code) or managed identity; a token the
    /// caller gave is used as it is.
    /// </summary>
    internal sealed class TokenProvider
    {
        private readonly ConnectionOptions options;
        private readonly IMsalHttpClientFactory httpClientFactory;
        private readonly IPreflightReporter reporter;
        private readonly SecretRedactor redactor;
        private readonly Lazy<IConfidentialClientApplication> confidentialClient;
        private readonly Lazy<IPublicClientApplication> publicClient;
        private readonly Lazy<IManagedIdentityApplication> managedIdentity;
        private readonly FederatedTokenSource? federatedToken;
        private readonly CancellationToken invocation;
        private readonly ConcurrentDictionary<string, Lazy<Task<TokenOutcome>>> tokens =
            new ConcurrentDictionary<string, Lazy<Task<TokenOutcome>>>(StringComparer.OrdinalIgnoreCase);

        public TokenProvider(
            ConnectionOptions options,
            IMsalHttpClientFactory httpClientFactory,
            IPreflightReporter reporter,
            SecretRedactor redactor,
            CancellationToken invocation)
        {
            this.invocation = invocation;
            this.options = options;
            this.httpClientFactory = httpClientFactory;
            this.reporter = reporter;
            this.redactor = redactor;
            var authority = new Uri(options.Endpoints.AuthorityHost, options.TenantId).AbsoluteUri;
            if (options.Credential is FederatedTokenCredential federated)
            {
                federatedToken = FederatedTokenSource.Find(federated);
            }

            confidentialClient = new Lazy<IConfidentialClientApplication>(() => BuildConfidentialClient(authority));
            publicClient = new Lazy<IPublicClientApplication>(() => BuildPublicClient(authority));
            managedIdentity = new Lazy<IManagedIdentityApplication>(BuildManagedIdentity);
        }

        /// <summary>
        /// The invocation's Power BI token, requested on first use. Concurrent callers share the one request; a
        /// refusal is remembered too, so a failed credential costs one call, not one per check.
        /// </summary>
        public Task<TokenOutcome> GetAsync(CancellationToken cancellation)
        {
            return GetAsync(options.Endpoints.DefaultScope, cancellation);
        }

        /// <summary>
        /// A token for another resource (Microsoft Graph), requested once on first use. The request is shared, so
        /// it runs under the invocation's cancellation, not under that of the check that happened to ask first:
        /// one check running out of time must not leave a cancelled token behind for the others.
        /// </summary>
        public Task<TokenOutcome> GetAsync(string scope, CancellationToken cancellation)
        {
            cancellation.ThrowIfCancellationRequested();
            var entry = tokens.GetOrAdd(
                scope,
                key => new Lazy<Task<TokenOutcome>>(() => AcquireAsync(key, invocation)));
            return entry.Value;
        }

        /// <summary>
        /// Forgets the Power BI token, so the next call asks Entra ID again; Power BI decides admission when a
        /// token is first seen, so a setting changed since then needs a new one.
        /// </summary>
        public void ForgetPowerBiToken()
        {
            Forget(options.Endpoints.DefaultScope);
        }

        /// <summary>Forgets the token for a scope, so the next call asks Entra ID again.</summary>
        public void Forget(string scope)
        {
            tokens.TryRemove(scope, out _);
        }

        /// <summary>The Power BI token itself, for the Power BI client; throws when there is none.</summary>
        public async Task<string> GetAccessTokenAsync(CancellationToken cancellation)
        {
            var outcome = await GetAsync(cancellation).ConfigureAwait(false);
            return outcome.AccessToken ?? throw new TokenUnavailableException(Describe(outcome));
        }

        /// <summary>Why a token request failed, in a few words, for messages.</summary>
        public static string Describe(TokenOutcome outcome)
        {
            return outcome.Error?.ErrorCode ?? outcome.Failure?.GetType().Name ?? "no token";
        }

        private async Task<TokenOutcome> AcquireAsync(string scope, CancellationToken cancellation)
        {
            var authority = new Uri(options.Endpoints.AuthorityHost, options.TenantId).AbsoluteUri;
            reporter.Verbose(Messages.Format(Messages.VerboseRequestingToken, scope, authority));

            if (options.Credential is AccessTokenCredential given)
            {
                return Given(scope, given);
            }

            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);

                // A device code waits for a person, for as long as the code is valid; every other kind is one
                // request and gets the request's time limit.
                if (!(options.Credential is DeviceCodeCredential))
                {
                    timeout.CancelAfter(options.RequestTimeout);
                }

                var result = await RequestAsync(scope, timeout.Token).ConfigureAwait(false);
                var claims = TokenClaims.Read(result.AccessToken);
                reporter.Verbose(Messages.Format(
                    Messages.VerboseTokenAcquired,
                    claims?.AppId ?? options.ClientId,
                    claims?.TenantId ?? options.TenantId,
                    result.ExpiresOn));
                return new TokenOutcome
                {
                    AccessToken = result.AccessToken,
                    Claims = claims,
                    ExpiresOn = result.ExpiresOn,
                };
            }
            catch (MsalServiceException refusal) when (!cancellation.IsCancellationRequested)
            {
                return Refused(refusal);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                // Only the request's own time limit can have fired here.
                return new TokenOutcome
                {
                    Failure = new TimeoutException(
                        Messages.Format(Messages.TokenTimedOut, options.RequestTimeout.TotalSeconds)),
                };
            }
            catch (Exception error) when (!cancellation.IsCancellationRequested && !(error is OutOfMemoryException))
            {
                // No answer from Entra ID: a name that did not resolve, a refused connection, a time-out, TLS.
                return new TokenOutcome { Failure = error };
            }
        }

        private Task<AuthenticationResult> RequestAsync(string scope, CancellationToken cancellation)
        {
            var scopes = new[] { scope };
            switch (options.Credential)
            {
                case ManagedIdentityCredential _:
                    // Managed identity endpoints take a resource, not a scope.
                    var resource = scope.EndsWith("/.default", StringComparison.Ordinal)
                        ? scope.Substring(0, scope.Length - "/.default".Length)
                        : scope;
                    return managedIdentity.Value.AcquireTokenForManagedIdentity(resource)
                        .WithForceRefresh(true)
                        .ExecuteAsync(cancellation);

                case UserPasswordCredential user:
                    // ROPC is what the caller chose; MSAL marks it obsolete to steer new apps elsewhere.
#pragma warning disable CS0618
                    return publicClient.Value
                        .AcquireTokenByUsernamePassword(scopes, user.UserName, ConnectionOptions.Reveal(user.Password))
                        .ExecuteAsync(cancellation);
#pragma warning restore CS0618

                case DeviceCodeCredential _:
                    return publicClient.Value
                        .AcquireTokenWithDeviceCode(scopes, code =>
                        {
                            // The only output meant for the person at the terminal: where to go, which code to type.
                            reporter.Warning(code.Message);
                            return Task.CompletedTask;
                        })
                        .ExecuteAsync(cancellation);

                default:
                    // Force a request to the token endpoint: a cached token would prove nothing about the secret.
                    return confidentialClient.Value
                        .AcquireTokenForClient(scopes)
                        .WithForceRefresh(true)
                        .ExecuteAsync(cancellation);
            }
        }

        private TokenOutcome Given(string scope, AccessTokenCredential given)
        {
            // A given token serves the Power BI API only; Graph would need a second one the caller did not give.
            if (!string.Equals(scope, options.Endpoints.DefaultScope, StringComparison.OrdinalIgnoreCase))
            {
                return new TokenOutcome { Failure = new GivenTokenScopeException() };
            }

            var token = AccessTokenCredential.WithoutBearerPrefix(ConnectionOptions.Reveal(given.Token));

            // The redactor knows the token as it was given; what goes on the wire is this, without the prefix or
            // the whitespace, and a service that echoes it echoes this.
            redactor.AddSecret(token);

            var claims = TokenClaims.Read(token);
            return new TokenOutcome
            {
                AccessToken = token,
                Claims = claims,
                ExpiresOn = claims?.ExpiresOn ?? DateTimeOffset.MaxValue,
            };
        }

        private IConfidentialClientApplication BuildConfidentialClient(string authority)
        {
            // One application per invocation: no token cache is shared across runs or tenants.
            var builder = ConfidentialClientApplicationBuilder.Create(options.ClientId);
            switch (options.Credential)
            {
                case CertificateCredential certificate:
                    builder = builder.WithCertificate(
                        CertificateLoader.Resolve(certificate),
                        certificate.SendCertificateChain);
                    break;
                case FederatedTokenCredential _:
                    builder = builder.WithClientAssertion(
                        (AssertionRequestOptions request) => federatedToken!.GetAsync(
                            httpClientFactory.GetHttpClient(), redactor, request.CancellationToken));
                    break;
                default:
                    builder = builder.WithClientSecret(options.RevealSecret());
                    break;
            }

            builder = builder
                .WithAuthority(authority, validateAuthority: options.Endpoints.IsWellKnownCloud)

                // MSAL's retry-once is off: the preflight reports the first refusal as it came.
                .WithHttpClientFactory(httpClientFactory, retryOnceOn5xx: false)
                .WithLogging(Log, LogLevel.Warning, enablePiiLogging: false, enableDefaultPlatformLogging: false);

            if (!options.Endpoints.IsWellKnownCloud)
            {
                // Instance discovery would ask login.microsoftonline.com about a host it cannot know.
                builder = builder.WithInstanceDiscovery(false);
            }

            return builder.Build();
        }

        private IPublicClientApplication BuildPublicClient(string authority)
        {
            var builder = PublicClientApplicationBuilder.Create(options.ClientId)
                .WithAuthority(authority, validateAuthority: options.Endpoints.IsWellKnownCloud)
                .WithHttpClientFactory(httpClientFactory)
                .WithLogging(Log, LogLevel.Warning, enablePiiLogging: false, enableDefaultPlatformLogging: false);
            if (!options.Endpoints.IsWellKnownCloud)
            {
                builder = builder.WithInstanceDiscovery(false);
            }

            return builder.Build();
        }

        private IManagedIdentityApplication BuildManagedIdentity()
        {
            // MSAL finds the endpoint itself (App Service, Functions, Automation, Arc, Cloud Shell, then IMDS).
            var identity = string.IsNullOrEmpty(options.ClientId)
                ? ManagedIdentityId.SystemAssigned
                : ManagedIdentityId.WithUserAssignedClientId(options.ClientId);
            return ManagedIdentityApplicationBuilder.Create(identity)
                .WithHttpClientFactory(httpClientFactory)
                .WithLogging(Log, LogLevel.Warning, enablePiiLogging: false, enableDefaultPlatformLogging: false)
                .Build();
        }

        private void Log(LogLevel level, string message, bool containsPii)
        {
            reporter.Debug("MSAL: " + redactor.Redact(message));
        }

        private TokenOutcome Refused(MsalServiceException refusal)
        {
            var body = refusal.ResponseBody;
            var error = EntraError.Parse(body);
            string? requestId = null;
            if (refusal.Headers != null && refusal.Headers.TryGetValues("x-ms-request-id", out var values))
            {
                requestId = values.FirstOrDefault();
            }

            return new TokenOutcome
            {
                Error = error,
                HttpStatus = refusal.StatusCode == 0 ? null : refusal.StatusCode,
                ResponseBody = body,
                RequestId = requestId ?? error?.TraceId,
                Failure = error is null ? refusal : null,
            };
        }
    }
}

namespace PbiPreflight.Identity
{
    /// <summary>A given access token was asked to serve a resource other than Power BI (Microsoft Graph).</summary>
    internal sealed class GivenTokenScopeException : Exception
    {
        public GivenTokenScopeException()
            : base("A given access token serves the Power BI API only.")
        {
        }
    }
}
