using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PbiPreflight.Emulator;

/// <summary>One answered request. Bodies are never kept: they carry secrets and tokens.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Path and query as sent.</param>
/// <param name="Status">Status code answered.</param>
/// <param name="Time">When the request arrived.</param>
/// <param name="DurationMs">Time to answer, latency included.</param>
/// <param name="Finished">When the answer was finished (or the connection given up).</param>
/// <param name="TenantId">The tenant the request was for, when it names one; null otherwise.</param>
/// <param name="SignIn">For a token request, how the client asked; null for every other request.</param>
public sealed record RequestLogEntry(
    string Method, string Path, int Status, DateTimeOffset Time, double DurationMs, DateTimeOffset Finished,
    string? TenantId, TokenRequestShape? SignIn);

/// <summary>
/// Remembers the requests answered so far, for tests to assert how many calls a check spent.
/// Served at <c>GET /_emulator/requests</c> and cleared by <c>DELETE /_emulator/requests</c>.
/// </summary>
public sealed partial class RequestLog(TenantDirectory tenants, TimeProvider clock)
{
    /// <summary>
    /// The <see cref="HttpContext.Items"/> key an endpoint sets when it knows the tenant better than the
    /// request shows (the managed identity endpoint, whose requests name no tenant).
    /// </summary>
    public const string TenantItem = "PbiPreflight.Emulator.TenantId";

    /// <summary>
    /// The <see cref="HttpContext.Items"/> key the token endpoint sets to a <see cref="TokenRequestShape"/>.
    /// </summary>
    public const string SignInItem = "PbiPreflight.Emulator.SignIn";

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

        // Taken before anything answers, so faulted and overridden requests are attributed too.
        context.Items[TenantItem] = TenantOf(context);
        try
        {
            await next(context);
        }
        finally
        {
            var elapsed = stopwatch.Elapsed;
            var entry = new RequestLogEntry(
                context.Request.Method,
                MaskSecrets(EmulatorPaths.RawTarget(context)),
                context.Response.StatusCode,
                started,
                Math.Round(elapsed.TotalMilliseconds, 1),
                started + elapsed,
                context.Items[TenantItem] as string,
                context.Items[SignInItem] as TokenRequestShape);
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
            ["finished"] = e.Finished.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
            ["arrivedUnixMs"] = e.Time.ToUnixTimeMilliseconds(),
            ["finishedUnixMs"] = e.Finished.ToUnixTimeMilliseconds(),
            ["tenantId"] = e.TenantId,
            ["grantType"] = e.SignIn?.GrantType,
            ["clientAuthentication"] = e.SignIn?.ClientAuthentication,
        })]);
        return HttpJson.WriteAsync(context, StatusCodes.Status200OK, body);
    }

    /// <summary>The target with the values of secret-bearing query parameters replaced by <c>***</c>.</summary>
    public static string MaskSecrets(string target)
    {
        return SecretParameter().Replace(target, m => m.Groups["name"].Value + "=***");
    }

    private string? TenantOf(HttpContext context)
    {
        // A bearer token names its tenant in tid; it is only read here, never trusted: the endpoint
        // that answers validates it.
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var parts = header[7..].Trim().Split('.');
            if (parts.Length == 3)
            {
                try
                {
                    var claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1])) as JsonObject;
                    if (claims?["tid"] is JsonValue tid && tid.TryGetValue<string>(out var tenantId))
                    {
                        return tenantId;
                    }
                }
                catch (Exception exception) when (exception is FormatException or JsonException)
                {
                    // Not a readable token: the request names no tenant this way.
                }
            }
        }

        // Entra's routes start with the tenant id or one of its domains.
        var segments = context.Request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return segments.Length > 0 ? tenants.FindServed(segments[0])?.TenantId : null;
    }

    private void Clear(HttpContext context)
    {
        lock (_gate)
        {
            _entries.Clear();
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    // Secrets never travel in a query string from a well-behaved client, but a log must not keep
    // them when a bad one sends them there.
    [System.Text.RegularExpressions.GeneratedRegex(
        @"(?<name>(?<=[?&])(client_secret|client_assertion|password|assertion|access_token|refresh_token|code|"
        + @"device_code))=[^&#]*",
        System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex SecretParameter();
}
