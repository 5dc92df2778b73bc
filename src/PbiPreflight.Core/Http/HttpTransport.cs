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

        /// <summary>Creates the pool over the platform's default handler.</summary>
        public HttpTransport()
            : this(CreateDefaultHandler())
        {
        }

        /// <summary>Creates the pool over a given handler; tests pass a fake one.</summary>
        public HttpTransport(HttpMessageHandler handler)
        {
            this.handler = handler;

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

        private static HttpMessageHandler CreateDefaultHandler()
        {
            return new HttpClientHandler
            {
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                AllowAutoRedirect = true,
                UseProxy = true,
            };
        }
    }
}
