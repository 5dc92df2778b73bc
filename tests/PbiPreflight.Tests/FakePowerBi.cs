using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace PbiPreflight.Tests
{
    /// <summary>
    /// A scripted Entra ID and Power BI behind a fake handler, for tests of the engine that need no server: the
    /// token endpoint issues an unsigned JWT, and each Power BI path answers from a queue of scripted replies.
    /// </summary>
    internal sealed class FakePowerBi : HttpMessageHandler
    {
        public const string TenantId = "11111111-2222-3333-4444-555555555555";
        public const string ClientId = "aaaaaaaa-0000-0000-0000-000000000001";
        public const string Secret = "fake-secret-value-0123456789";

        private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<HttpResponseMessage>>> scripts =
            new ConcurrentDictionary<string, ConcurrentQueue<Func<HttpResponseMessage>>>();

        public ConcurrentQueue<string> Requests { get; } = new ConcurrentQueue<string>();

        /// <summary>Paths (after the API base) that never answer, until the request is cancelled.</summary>
        public ConcurrentBag<string> Hanging { get; } = new ConcurrentBag<string>();

        public string[] Roles { get; set; } = Array.Empty<string>();

        /// <summary>A token answer to give instead of a token, such as an Entra error.</summary>
        public Func<HttpResponseMessage>? TokenReply { get; set; }

        /// <summary>Queues replies for requests whose path (after /v1.0/myorg/) starts with the prefix.</summary>
        public FakePowerBi On(string pathPrefix, params Func<HttpResponseMessage>[] replies)
        {
            var queue = scripts.GetOrAdd(pathPrefix, _ => new ConcurrentQueue<Func<HttpResponseMessage>>());
            foreach (var reply in replies)
            {
                queue.Enqueue(reply);
            }

            return this;
        }

        public static Func<HttpResponseMessage> Json(int status, string body, params (string Name,
            string Value)[] headers)
        {
            return () =>
            {
                var response = new HttpResponseMessage((HttpStatusCode)status)
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/json"),
                };
                response.Headers.TryAddWithoutValidation("RequestId", Guid.NewGuid().ToString());
                foreach (var (name, value) in headers)
                {
                    response.Headers.TryAddWithoutValidation(name, value);
                }

                return response;
            };
        }

        public static Func<HttpResponseMessage> Raw(int status, string body, string contentType)
        {
            return () => new HttpResponseMessage((HttpStatusCode)status)
            {
                Content = new StringContent(body, Encoding.UTF8, contentType),
            };
        }

        public static string Token(string[] roles)
        {
            var header = Base64Url("{\"typ\":\"JWT\",\"alg\":\"none\"}");
            var payload = Base64Url(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["aud"] = "https://analysis.windows.net/powerbi/api",
                ["tid"] = TenantId,
                ["appid"] = ClientId,
                ["oid"] = "bbbbbbbb-0000-0000-0000-000000000002",
                ["roles"] = roles,
                ["exp"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(),
            }));
            return header + "." + payload + ".c2lnbmF0dXJl";
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request,
            CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.PathAndQuery;
            Requests.Enqueue(request.Method.Method + " " + path);
            if (path.Contains("/oauth2/v2.0/token", StringComparison.Ordinal))
            {
                var token = "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"" + Token(Roles) + "\"}";
                return Task.FromResult(TokenReply?.Invoke() ?? Json(200, token)());
            }

            // Power BI, the Fabric admin API and Graph share the origin, as in the emulator.
            var relative = Relative(path, "/v1.0/myorg/") ?? Relative(path, "/v1/admin/") ?? Relative(path,
                "/v1.0/") ?? path;
            if (Hanging.Any(prefix => relative.StartsWith(prefix, StringComparison.Ordinal)))
            {
                return HangAsync(cancellationToken);
            }

            var match = scripts.Keys
                .Where(prefix => relative.StartsWith(prefix, StringComparison.Ordinal))
                .OrderByDescending(prefix => prefix.Length)
                .FirstOrDefault();
            if (match != null && scripts[match].TryDequeue(out var reply))
            {
                return Task.FromResult(reply());
            }

            return Task.FromResult(Json(404, "{\"error\":{\"code\":\"NotScripted\",\"message\":\"" + relative +
                "\"}}")());
        }

        private static async Task<HttpResponseMessage> HangAsync(CancellationToken cancellation)
        {
            await Task.Delay(Timeout.Infinite, cancellation);
            throw new InvalidOperationException("A hanging request cannot end without cancellation.");
        }

        private static string? Relative(string path, string prefix)
        {
            var start = path.IndexOf(prefix, StringComparison.Ordinal);
            return start < 0 ? null : path.Substring(start + prefix.Length);
        }

        private static string Base64Url(string text)
        {
            return Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/',
                '_');
        }
    }

    /// <summary>Keeps what the engine reported, for assertions.</summary>
    internal sealed class RecordingReporter : IPreflightReporter
    {
        public ConcurrentQueue<string> Lines { get; } = new ConcurrentQueue<string>();

        public List<CheckResult> Results { get; } = new List<CheckResult>();

        public void Verbose(string message) => Lines.Enqueue("VERBOSE: " + message);

        public void Debug(string message) => Lines.Enqueue("DEBUG: " + message);

        public void Warning(string message) => Lines.Enqueue("WARNING: " + message);

        public void Progress(string status, int percent) => Lines.Enqueue("PROGRESS: " + status);

        public void Result(CheckResult result)
        {
            lock (Results)
            {
                Results.Add(result);
            }
        }
    }
}
