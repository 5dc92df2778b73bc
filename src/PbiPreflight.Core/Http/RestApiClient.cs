using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace PbiPreflight.Http
{
    /// <summary>
    /// Calls one REST API below a base address (Power BI, the Fabric admin API or Microsoft Graph) with a bearer
    /// token, retries what is worth retrying, and hands back every answer whole, good or bad, for the checks to
    /// judge. It never throws for an HTTP status.
    /// </summary>
    internal sealed class RestApiClient
    {
        /// <summary>
        /// Bodies above this are refused rather than held in memory; a scan of 100 workspaces is far less.
        /// </summary>
        internal const int MaxBodyBytes = 512 * 1024 * 1024;

        // Statuses that say "try again" rather than "no". 429 is retried only when the wait is short.
        private static readonly int[] TransientStatuses = { 408, 429, 500, 502, 503, 504 };


        private readonly HttpClient httpClient;
        private readonly Uri apiBase;
        private readonly Func<CancellationToken, Task<string>> accessToken;
        private readonly Action renewToken;
        private readonly IPreflightReporter reporter;
        private readonly TimeProvider clock;
        private readonly Lazy<ResiliencePipeline<ApiResponse>> idempotentPipeline;
        private readonly Lazy<ResiliencePipeline<ApiResponse>> startingPipeline;

        public RestApiClient(
            HttpClient httpClient,
            Uri apiBase,
            Func<CancellationToken, Task<string>> accessToken,
            Action renewToken,
            IPreflightReporter reporter,
            TimeSpan requestTimeout,
            TimeProvider timeProvider,
            TimeSpan? retryDelay = null)
        {
            this.httpClient = httpClient;
            this.apiBase = apiBase;
            this.accessToken = accessToken;
            this.renewToken = renewToken;
            this.reporter = reporter;
            clock = timeProvider;

            // Built on first use: Polly validates the options of each, which costs a new session time, and most
            // clients of a run need one pipeline or none.
            var delay = retryDelay ?? TimeSpan.FromMilliseconds(500);
            idempotentPipeline = new Lazy<ResiliencePipeline<ApiResponse>>(
                () => BuildPipeline(requestTimeout, timeProvider, delay, onlyWhenNotProcessed: false));

            // A POST that starts a scan is repeated only when the service said it did not take it (429, 503),
            // so one preflight never starts two scans and spends two calls of the tenant's quota.
            startingPipeline = new Lazy<ResiliencePipeline<ApiResponse>>(
                () => BuildPipeline(requestTimeout, timeProvider, delay, onlyWhenNotProcessed: true));
        }

        public Task<ApiResponse> GetAsync(string path, CancellationToken cancellation)
        {
            return SendAsync(HttpMethod.Get, path, null, idempotentPipeline.Value, cancellation);
        }

        /// <summary>
        /// A GET whose successful JSON body goes straight from the network to <paramref name="read"/>, for answers
        /// too large to hold; its outcome is in <see cref="ApiResponse.Streamed"/>. Other answers are kept whole.
        /// </summary>
        public Task<ApiResponse> GetStreamedAsync(
            string path,
            Func<Stream, CancellationToken, Task<object?>> read,
            CancellationToken cancellation)
        {
            return SendAsync(HttpMethod.Get, path, null, idempotentPipeline.Value, cancellation, read);
        }

        public Task<ApiResponse> PostJsonAsync(string path, string json, CancellationToken cancellation)
        {
            return SendAsync(HttpMethod.Post, path, json, startingPipeline.Value, cancellation);
        }

        private async Task<ApiResponse> SendAsync(
            HttpMethod method,
            string path,
            string? json,
            ResiliencePipeline<ApiResponse> pipeline,
            CancellationToken cancellation,
            Func<Stream, CancellationToken, Task<object?>>? read = null)
        {
            reporter.Verbose(Messages.Format(Messages.VerboseRequest, method.Method, path));
            var answer = await SendWithTokenAsync(method, path, json, pipeline, read, cancellation)
                .ConfigureAwait(false);
            if (!SaysTokenExpired(answer))
            {
                return answer;
            }

            // A long scan can outlive its token: one fresh token and one more try, never a loop.
            reporter.Verbose(Messages.Format(Messages.VerboseTokenExpired, answer.Operation));
            renewToken();
            return await SendWithTokenAsync(method, path, json, pipeline, read, cancellation).ConfigureAwait(false);
        }

        private async Task<ApiResponse> SendWithTokenAsync(
            HttpMethod method,
            string path,
            string? json,
            ResiliencePipeline<ApiResponse> pipeline,
            Func<Stream, CancellationToken, Task<object?>>? read,
            CancellationToken cancellation)
        {
            string token;
            try
            {
                token = await accessToken(cancellation).ConfigureAwait(false);
            }
            catch (Identity.TokenUnavailableException refused)
            {
                return new ApiResponse(method, path) { TransportFailure = refused };
            }

            try
            {
                return await pipeline.ExecuteAsync(
                    async attemptCancellation => await SendOnceAsync(
                        method,
                        path,
                        json,
                        token,
                        read,
                        attemptCancellation).ConfigureAwait(false),
                    cancellation).ConfigureAwait(false);
            }
            catch (Exception error) when (IsTransportFailure(error) && !cancellation.IsCancellationRequested)
            {
                return new ApiResponse(method, path) { TransportFailure = error };
            }
        }

        /// <summary>Power BI's <c>TokenExpired</c> (401 or 403), or the Fabric API's.</summary>
        private static bool SaysTokenExpired(ApiResponse answer)
        {
            if (answer.Status != 401 && answer.Status != 403)
            {
                return false;
            }

            using var document = answer.TryParseJson(out _);
            if (document is null)
            {
                return false;
            }

            var root = document.RootElement;
            var code = JsonText.String(root, "errorCode") ??
                (root.ValueKind == System.Text.Json.JsonValueKind.Object && root.TryGetProperty("error", out var error)
                    ? JsonText.String(error, "code")
                    : null);
            return string.Equals(code, "TokenExpired", StringComparison.OrdinalIgnoreCase);
        }

        private async Task<ApiResponse> SendOnceAsync(
            HttpMethod method,
            string path,
            string? json,
            string token,
            Func<Stream, CancellationToken, Task<object?>>? read,
            CancellationToken cancellation)
        {
            var stopwatch = Stopwatch.StartNew();
            using var request = new HttpRequestMessage(method, new Uri(apiBase, path));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (json != null)
            {
                request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            }

            // Headers first, then the body as a stream, so that the time-out covers reading the body too and a
            // huge body is refused before it fills the memory.
            using var response = await httpClient
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation)
                .ConfigureAwait(false);

            var answer = new ApiResponse(method, path)
            {
                Status = (int)response.StatusCode,
                RequestId = Header(response, "RequestId") ?? Header(response, "request-id") ??
                    Header(response, "x-ms-request-id"),
                RetryAfter = RetryAfter(response),
                Location = response.Headers.Location,
                ContentType = response.Content?.Headers.ContentType?.ToString(),
            };

            var saysJson = answer.ContentType is null ||
                answer.ContentType.IndexOf("json", StringComparison.OrdinalIgnoreCase) >= 0;
            var streams = read != null && answer.IsSuccess && response.Content != null && saysJson;
            if (streams)
            {
                using var stream = await response.Content!.ReadAsStreamAsync().ConfigureAwait(false);
                try
                {
                    answer.Streamed = await read!(stream, cancellation).ConfigureAwait(false);
                }
                catch (System.Text.Json.JsonException error)
                {
                    answer.StreamProblem = "a body that is not valid JSON (" + error.Message + ")";
                }
            }
            else
            {
                answer.Body = response.Content is null
                    ? Array.Empty<byte>()
                    : await ReadBodyAsync(response.Content, cancellation).ConfigureAwait(false);
            }

            answer.Elapsed = stopwatch.Elapsed;
            reporter.Debug(Messages.Format(
                Messages.DebugResponse,
                method.Method,
                path,
                answer.Status,
                (long)answer.Elapsed.TotalMilliseconds,
                answer.RequestId ?? "none"));
            return answer;
        }

        private static async Task<byte[]> ReadBodyAsync(HttpContent content, CancellationToken cancellation)
        {
            if (content.Headers.ContentLength > MaxBodyBytes)
            {
                throw new InvalidDataException(Messages.Format(
                    "The answer announced {0} bytes, more than the {1} bytes a preflight reads.",
                    content.Headers.ContentLength,
                    MaxBodyBytes));
            }

            using var stream = await content.ReadAsStreamAsync().ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, 0, chunk.Length, cancellation).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                {
                    throw new InvalidDataException(Messages.Format(
                        "The answer is larger than the {0} bytes a preflight reads.",
                        MaxBodyBytes));
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }

        private ResiliencePipeline<ApiResponse> BuildPipeline(
            TimeSpan requestTimeout,
            TimeProvider timeProvider,
            TimeSpan delay,
            bool onlyWhenNotProcessed)
        {
            var retry = new RetryStrategyOptions<ApiResponse>
            {
                MaxRetryAttempts = 2,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = delay,
                ShouldHandle = arguments => new ValueTask<bool>(ShouldRetry(arguments.Outcome, onlyWhenNotProcessed)),

                // The service's own Retry-After wins over the computed back-off.
                // A zero or past Retry-After falls back to the back-off rather than retrying at once.
                DelayGenerator = arguments => new ValueTask<TimeSpan?>(
                    arguments.Outcome.Result?.RetryAfter is TimeSpan asked && asked > TimeSpan.Zero ? asked : null),
                OnRetry = arguments =>
                {
                    var outcome = arguments.Outcome;
                    reporter.Verbose(Messages.Format(
                        Messages.VerboseRetry,
                        outcome.Result?.Method.Method ?? "request",
                        outcome.Result?.Path ?? string.Empty,
                        outcome.Result?.Status.ToString(CultureInfo.InvariantCulture) ??
                            outcome.Exception?.GetType().Name,
                        arguments.AttemptNumber + 1,
                        arguments.RetryDelay.TotalSeconds));
                    return default;
                },
            };

            return new ResiliencePipelineBuilder<ApiResponse> { TimeProvider = timeProvider }
                .AddRetry(retry)
                .AddTimeout(requestTimeout)
                .Build();
        }

        private bool ShouldRetry(Outcome<ApiResponse> outcome, bool onlyWhenNotProcessed)
        {
            if (outcome.Exception != null)
            {
                // A connection that failed before the request was sent is safe to repeat even for a POST;
                // Polly's time-out is not, since the service may have started the scan.
                // A body too large to read would be just as large the second time.
                return onlyWhenNotProcessed
                    ? outcome.Exception is HttpRequestException
                    : IsTransportFailure(outcome.Exception) && !(outcome.Exception is InvalidDataException);
            }

            var response = outcome.Result!;
            if (response.RetryAfter > CheckBudget.Remaining(clock))
            {
                // The caller reports when to come back instead of sleeping through the check.
                return false;
            }

            return onlyWhenNotProcessed
                ? response.Status == 429 || response.Status == 503
                : TransientStatuses.Contains(response.Status);
        }

        private static bool IsTransportFailure(Exception error)
        {
            return error is HttpRequestException || error is TimeoutRejectedException ||
                error is IOException || error is InvalidDataException;
        }

        private static string? Header(HttpResponseMessage response, string name)
        {
            return response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
        }

        private static TimeSpan? RetryAfter(HttpResponseMessage response)
        {
            var header = response.Headers.RetryAfter;
            if (header?.Delta is TimeSpan delta)
            {
                return delta;
            }

            if (header?.Date is DateTimeOffset date)
            {
                var wait = date - DateTimeOffset.UtcNow;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }

            return null;
        }
    }
}
