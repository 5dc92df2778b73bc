using System;
using System.Net;
using System.Net.Http;
using Microsoft.Identity.Client;

namespace PbiPreflight.Http
{
    /// <summary>
    /// The one connection pool of an invocation, shared by MSAL and the Power BI client. It uses the system's
    /// proxy settings and the machine's trusted roots; certificate validation is never relaxed.
    /// </summary>
    public sealed class HttpTransport : IMsalHttpClientFactory, IDisposable
    {
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
