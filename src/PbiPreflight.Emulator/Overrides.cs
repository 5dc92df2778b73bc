using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PbiPreflight.Emulator;

/// <summary>
/// Serves the scenario's raw responses (recorded failures, throttling, outages) before the model
/// answers. An override sends its own headers and nothing else, so a recording replays as it was.
/// </summary>
public sealed class Overrides
{
    // Framing is the server's business: copying these from a recording would corrupt the answer.
    private static readonly HashSet<string> FramingHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade", "Proxy-Connection",
    };

    private readonly Entry[] _entries;

    /// <summary>Compiles the scenario's overrides.</summary>
    public Overrides(IEnumerable<ResponseOverride> definitions)
    {
        _entries = [.. definitions.Select(d => new Entry(d, new Regex(
            d.Path, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))))];
    }

    /// <summary>The middleware: answers from the first matching override, or passes the request on.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var entry = _entries.Length == 0 || EmulatorPaths.IsEmulatorPath(context) ? null : Match(context);
        if (entry is null)
        {
            await next(context);
            return;
        }

        await WriteAsync(context, entry.Definition);
    }

    private Entry? Match(HttpContext context)
    {
        foreach (var entry in _entries)
        {
            var definition = entry.Definition;
            if (!EmulatorPaths.RuleMatches(context, definition.Method, entry.Pattern))
            {
                continue;
            }

            // Counting first and checking after keeps concurrent requests from sharing the last use.
            if (definition.Times is { } times && Interlocked.Increment(ref entry.Uses) > times)
            {
                continue;
            }

            return entry;
        }

        return null;
    }

    private static async Task WriteAsync(HttpContext context, ResponseOverride definition)
    {
        var response = context.Response;
        var status = definition.Status ?? StatusCodes.Status200OK;
        response.StatusCode = status;

        var contentTypeGiven = ApplyHeaders(response, definition.Headers);
        var (body, isJson) = BodyOf(definition.Body);
        if (!contentTypeGiven && isJson)
        {
            response.ContentType = HttpJson.ContentType;
        }

        // 1xx, 204 and 304 answers cannot carry a body.
        if (body.Length == 0 || status is < 200 or 204 or 304)
        {
            response.ContentLength = 0;
            return;
        }

        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>
    /// Sets the scenario's headers on <paramref name="response"/>, dropping framing headers; a null value
    /// removes the header. Returns true when the headers say something about Content-Type.
    /// </summary>
    internal static bool ApplyHeaders(HttpResponse response, Dictionary<string, JsonNode?> headers)
    {
        var contentTypeGiven = false;
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                // A null Content-Type is an explicit "send none".
                contentTypeGiven = true;
            }

            if (FramingHeaders.Contains(name))
            {
                continue;
            }

            if (value is null)
            {
                response.Headers.Remove(name);
            }
            else
            {
                response.Headers[name] = value.ToString();
            }
        }

        return contentTypeGiven;
    }

    /// <summary>The bytes of a scenario body, and whether they are JSON.</summary>
    internal static (byte[] Body, bool IsJson) BodyOf(JsonNode? body)
    {
        if (body is null)
        {
            return ([], false);
        }

        if (body is JsonValue value && value.TryGetValue<string>(out var text))
        {
            return (Encoding.UTF8.GetBytes(text), LooksLikeJson(text));
        }

        return (Encoding.UTF8.GetBytes(body.ToJsonString()), true);
    }

    private static bool LooksLikeJson(string text)
    {
        // Recorded bodies are strings; one that is a JSON object or array gets a JSON content type
        // unless the override says otherwise, because that is what the service sent with it.
        var trimmed = text.TrimStart();
        if (!trimmed.StartsWith('{') && !trimmed.StartsWith('['))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private sealed class Entry(ResponseOverride definition, Regex pattern)
    {
        public ResponseOverride Definition { get; } = definition;

        public Regex Pattern { get; } = pattern;

        public int Uses;
    }
}
