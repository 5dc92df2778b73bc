using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace PbiPreflight.Emulator;

/// <summary>One answered request. Bodies are never kept: they carry secrets and tokens.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Path and query as sent.</param>
/// <param name="Status">Status code answered.</param>
/// <param name="Time">When the request arrived.</param>
/// <param name="DurationMs">Time to answer, latency included.</param>
public sealed record RequestLogEntry(string Method, string Path, int Status, DateTimeOffset Time, double DurationMs);

/// <summary>
/// Remembers the requests answered so far, for tests to assert how many calls a check spent.
/// Served at <c>GET /_emulator/requests</c> and cleared by <c>DELETE /_emulator/requests</c>.
/// </summary>
public sealed class RequestLog(TimeProvider clock)
{
    // Bounded so a long soak run cannot grow the process without limit; the oldest go first.
    private const int Capacity = 100_000;

    private readonly Queue<RequestLogEntry> _entries = new();
    private readonly Lock _gate = new();

    /// <summary>Adds the control routes.</summary>
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(EmulatorPaths.ControlPrefix + "/requests", ListAsync);
        routes.MapDelete(EmulatorPaths.ControlPrefix + "/requests", Clear);
    }

    /// <summary>The middleware: times the request and records it once answered.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (EmulatorPaths.IsEmulatorPath(context))
        {
            await next(context);
            return;
        }

        var started = clock.GetUtcNow();
        var stopwatch = Stopwatch.StartNew();
        try
        {
            await next(context);
        }
        finally
        {
            var entry = new RequestLogEntry(
                context.Request.Method,
                EmulatorPaths.RawTarget(context),
                context.Response.StatusCode,
                started,
                Math.Round(stopwatch.Elapsed.TotalMilliseconds, 1));
            lock (_gate)
            {
                if (_entries.Count == Capacity)
                {
                    _entries.Dequeue();
                }

                _entries.Enqueue(entry);
            }
        }
    }

    private Task ListAsync(HttpContext context)
    {
        RequestLogEntry[] snapshot;
        lock (_gate)
        {
            snapshot = [.. _entries];
        }

        var body = new JsonArray([.. snapshot.Select(e => (JsonNode)new JsonObject
        {
            ["method"] = e.Method,
            ["path"] = e.Path,
            ["status"] = e.Status,
            ["time"] = e.Time.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
            ["durationMs"] = e.DurationMs,
        })]);
        return HttpJson.WriteAsync(context, StatusCodes.Status200OK, body);
    }

    private void Clear(HttpContext context)
    {
        lock (_gate)
        {
            _entries.Clear();
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }
}
