using System;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Identity.Client;

namespace PbiPreflight.Http
{
    /// <summary>
    /// The one connection pool of an invocation, shared by MSAL and the Power BI client. It uses the system's
    /// proxy settings and the machine's trusted roots; certificate validation is never relaxed.
    /// </summary>
    public sealed class HttpTransport : IMsalHttpClientFactory, IDisposable
    {
        // Set once the machine's trusted roots were asked for; once per process is enough.
        private static int trustedRootsRequested;

        private readonly HttpMessageHandler handler;
        private readonly Lazy<HttpClient> msalClient;

        /// <summary>Creates the pool over the platform's default handler and the system's proxy settings.</summary>
        public HttpTransport()
            : this((IWebProxy?)null)
        {
        }

        /// <summary>Creates the pool with an explicit proxy; null uses the system's settings.</summary>
        public HttpTransport(IWebProxy? proxy)
            : this(CreateDefaultHandler(proxy, out var tls), tls)
        {
            LoadTrustedRootsInBackground();
        }

        /// <summary>Creates the pool over a given handler; tests pass a fake one.</summary>
        public HttpTransport(HttpMessageHandler handler)
            : this(handler, null)
        {
        }

        private HttpTransport(HttpMessageHandler handler, TlsObserver? tls)
        {
            this.handler = handler;
            Tls = tls;

            // Time-outs are applied per request by the callers, so that a large body being read is not cut
            // by a client-wide limit.
            ApiClient = new HttpClient(handler, disposeHandler: false)
            {
                Timeout = System.Threading.Timeout.InfiniteTimeSpan,
            };

            // MSAL may add default headers to the client it is given, so it gets its own client over the same
            // handler rather than the one the Power BI calls use.
            msalClient = new Lazy<HttpClient>(() => new HttpClient(handler, disposeHandler: false));
        }

        /// <summary>What certificate validation refused, per host; null over a handler given by a test.</summary>
        internal TlsObserver? Tls { get; }

        /// <summary>The client for Power BI calls.</summary>
        public HttpClient ApiClient { get; }

        /// <inheritdoc />
        public HttpClient GetHttpClient() => msalClient.Value;

        /// <inheritdoc />
        public void Dispose()
        {
            ApiClient.Dispose();
            if (msalClient.IsValueCreated)
            {
                msalClient.Value.Dispose();
            }

            handler.Dispose();
        }

        /// <summary>
        /// Starts reading the machine's trusted roots once per process, beside the sign-in's own start. On Linux the
        /// first certificate validation of a process reads every file of the system's certificate folder (about
        /// 100 ms on a quiet 2-core machine) while the handshake waits; started here, part of it overlaps MSAL
        /// building its request, which took about 30 ms off a cold start there. Opening the store changes nothing
        /// about validation, which reads the same cached roots.
        /// </summary>
        private static void LoadTrustedRootsInBackground()
        {
            if (Interlocked.Exchange(ref trustedRootsRequested, 1) == 1)
            {
                return;
            }

            Task.Run(() =>
            {
                try
                {
                    using var roots = new X509Store(StoreName.Root, StoreLocation.LocalMachine);
                    roots.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
                    _ = roots.Certificates.Count;
                }
                catch (Exception)
                {
                    // Only a head start: the handshake reads the roots itself and reports what fails there.
                }
            });
        }

        private static HttpMessageHandler CreateDefaultHandler(IWebProxy? proxy, out TlsObserver? tls)
        {
            var handler = new HttpClientHandler
            {
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                AllowAutoRedirect = true,
                UseProxy = true,
            };

            // Without an explicit proxy the handler uses the system's (HTTPS_PROXY and NO_PROXY on Linux).
            if (proxy != null)
            {
                handler.Proxy = proxy;
            }

            tls = new TlsObserver();
            try
            {
                handler.ServerCertificateCustomValidationCallback = tls.Validate;
            }
            catch (PlatformNotSupportedException)
            {
                // Older .NET Framework builds cannot observe validation; failures are then named less precisely.
                tls = null;
            }

            return handler;
        }
    }
}
