using System;
using System.Net.Http;
using System.Text;
using System.Text.Json;

namespace PbiPreflight.Http
{
    /// <summary>
    /// One Power BI answer, read whole and closed, or the transport failure that stood in for it. Holds what a
    /// diagnosis needs: status, the ids support asks for, the wait the service asked for, and the body.
    /// </summary>
    internal sealed class ApiResponse
    {
        private static readonly JsonDocumentOptions ParseOptions = new JsonDocumentOptions
        {
            // Power BI's bodies never carry comments, but proxies and recorded files sometimes do.
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        };

        public ApiResponse(HttpMethod method, string path)
        {
            Method = method;
            Path = path;
        }

        public HttpMethod Method { get; }

        /// <summary>The path and query below the API base, for messages.</summary>
        public string Path { get; }

        /// <summary>The HTTP status; 0 when no answer came.</summary>
        public int Status { get; set; }

        public string? RequestId { get; set; }

        public TimeSpan? RetryAfter { get; set; }

        public Uri? Location { get; set; }

        public string? ContentType { get; set; }

        public byte[] Body { get; set; } = Array.Empty<byte>();

        /// <summary>
        /// What a streaming reader made of a successful body, which is then not kept in <see cref="Body"/>.
        /// </summary>
        public object? Streamed { get; set; }

        /// <summary>Why a streaming reader could not read a successful body.</summary>
        public string? StreamProblem { get; set; }

        /// <summary>Why no answer came: a name that did not resolve, a refused connection, a time-out.</summary>
        public Exception? TransportFailure { get; set; }

        public TimeSpan Elapsed { get; set; }

        public bool IsSuccess => Status >= 200 && Status < 300;

        /// <summary>The operation as people read it, such as <c>GET admin/groups</c>.</summary>
        public string Operation
        {
            get
            {
                var query = Path.IndexOf('?');
                return Method.Method + " " + (query < 0 ? Path : Path.Substring(0, query));
            }
        }

        /// <summary>The body as text, cut at <paramref name="maxCharacters"/> and folded onto one line.</summary>
        public string BodyText(int maxCharacters)
        {
            if (Body.Length == 0)
            {
                return string.Empty;
            }

            // Decoding a little more than needed is enough; a huge body is never turned into one string.
            var byteCount = Math.Min(Body.Length, (maxCharacters * 4) + 4);
            var text = Encoding.UTF8.GetString(Body, 0, byteCount);
            text = text.Replace("\r", " ").Replace("\n", " ").Trim();
            return text.Length > maxCharacters ? text.Substring(0, maxCharacters) + "..." : text;
        }

        /// <summary>
        /// Parses the body when it claims to be JSON (or says nothing) and is JSON; null otherwise, with the
        /// reason in <paramref name="problem"/>. Duplicate keys are tolerated, as the scanner sometimes sends them.
        /// </summary>
        public JsonDocument? TryParseJson(out string? problem)
        {
            problem = null;
            if (ContentType != null && ContentType.IndexOf("json", StringComparison.OrdinalIgnoreCase) < 0)
            {
                problem = "content type '" + ContentType + "'";
                return null;
            }

            if (Body.Length == 0)
            {
                problem = "an empty body";
                return null;
            }

            try
            {
                return JsonDocument.Parse(new ReadOnlyMemory<byte>(Body), ParseOptions);
            }
            catch (JsonException error)
            {
                problem = "a body that is not valid JSON (" + error.Message + ")";
                return null;
            }
        }
    }
}
