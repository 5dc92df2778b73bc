using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;

namespace PbiPreflight.Emulator;

/// <summary>
/// Injects the scenario's faults before overrides and the model answer: status sequences with
/// Retry-After, per-route delays, reset connections, stalled, HTML and huge bodies. Each fault counts
/// the requests it matched, so "503, 503, 200" means the first two fail and the third succeeds.
/// </summary>
public sealed partial class Faults
{
    private readonly Entry[] _entries;
    private readonly TimeProvider _clock;
    private readonly CancellationToken _stopping;

    /// <summary>Compiles the scenario's faults.</summary>
    /// <param name="definitions">The <c>faults</c> list, in order.</param>
    /// <param name="clock">The source of "now" for HTTP-date Retry-After values.</param>
    /// <param name="stopping">Ends stalled answers when the emulator shuts down.</param>
    public Faults(IEnumerable<FaultDefinition> definitions, TimeProvider clock, CancellationToken stopping)
    {
        _entries = [.. definitions.Select(d => new Entry(d, new Regex(
            d.Path, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))))];
        _clock = clock;
        _stopping = stopping;
    }

    /// <summary>True when <paramref name="value"/> is a Retry-After the emulator can send.</summary>
    public static bool IsRetryAfter(string value)
    {
        return SecondsPattern().IsMatch(value) || RelativePattern().IsMatch(value)
            || DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _);
    }

    /// <summary>The middleware: applies the first fault that takes the request, or passes it on.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var (entry, position) = _entries.Length == 0 || EmulatorPaths.IsEmulatorPath(context)
            ? (null, 0)
            : Match(context);
        if (entry is null)
        {
            await next(context);
            return;
        }

        try
        {
            await ApplyAsync(context, next, entry.Definition, position);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested
            || _stopping.IsCancellationRequested)
        {
            // The client gave up (its own timeout, usually) or the emulator is stopping; nobody is left to answer.
        }
    }

    private (Entry? Entry, int Position) Match(HttpContext context)
    {
        foreach (var entry in _entries)
        {
            var definition = entry.Definition;
            if (!EmulatorPaths.RuleMatches(context, definition.Method, entry.Pattern))
            {
                continue;
            }

            // Counting first and reading the count after gives concurrent requests distinct positions.
            var position = Interlocked.Increment(ref entry.Uses) - 1;
            if (definition.Times is { } times && position >= times)
            {
                continue;
            }

            var statuses = definition.Statuses;
            if (statuses is { Count: > 0 } && position >= statuses.Count && definition.Then == FaultThen.Model)
            {
                continue;
            }

            return (entry, (int)Math.Min(position, int.MaxValue));
        }

        return (null, 0);
    }

    private async Task ApplyAsync(HttpContext context, RequestDelegate next, FaultDefinition definition, int position)
    {
        if (definition.LatencyMs > 0)
        {
            await Task.Delay(definition.LatencyMs, context.RequestAborted);
        }

        var status = At(definition.Statuses, position, StatusCodes.Status200OK);
        if (status == 0)
        {
            // A status of 0 gives this position to the model, whatever else the fault would do.
            await next(context);
            return;
        }

        if (definition.Reset)
        {
            context.Abort();
            return;
        }

        // Retry-After belongs to refusals; on a success it would only confuse the client.
        var retryAfter = status >= 300 ? RetryAfterAt(definition, position, status) : null;
        var ownBody = definition.Body is not null || definition.HtmlBody || definition.HugeBodyMegabytes is not null;
        if (!ownBody && status is >= 200 and < 300)
        {
            await AnswerFromModelAsync(context, next, definition);
            return;
        }

        var response = context.Response;
        response.StatusCode = status;
        if (context.Request.Path.StartsWithSegments("/v1.0/myorg", StringComparison.OrdinalIgnoreCase))
        {
            // Power BI marks every answer, its failures included, with the id support asks for.
            response.Headers["RequestId"] = Guid.NewGuid().ToString();
        }

        if (retryAfter is not null)
        {
            response.Headers.RetryAfter = retryAfter;
        }

        if (definition.HugeBodyMegabytes is { } megabytes)
        {
            await AnswerHugeAsync(context, definition, megabytes);
            return;
        }

        var (body, contentType) = definition.HtmlBody
            ? (FaultBodies.SignInPage, FaultBodies.HtmlContentType)
            : definition.Body is not null
                ? BodyAndType(definition)
                : FaultBodies.ErrorBody(context, status, SecondsUntil(retryAfter), _clock.GetUtcNow());
        if (contentType is not null)
        {
            response.ContentType = contentType;
        }

        Overrides.ApplyHeaders(response, definition.Headers);
        await SendAsync(context, body, definition.StallAfterBytes, announceLength: true);
    }

    private async Task AnswerFromModelAsync(HttpContext context, RequestDelegate next, FaultDefinition definition)
    {
        // The model sets its own headers; the fault's are laid over them just before they go out,
        // so a fault can, say, take away the model's Content-Type.
        context.Response.OnStarting(() =>
        {
            Overrides.ApplyHeaders(context.Response, definition.Headers);
            return Task.CompletedTask;
        });

        if (definition.StallAfterBytes is not { } limit)
        {
            await next(context);
            return;
        }

        // A stall needs the model's whole answer in hand to announce its length and send only a part.
        // Model answers are small (a page of at most 5000 workspaces), so buffering them is cheap.
        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        using var buffer = new MemoryStream();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(buffer));
        try
        {
            await next(context);
        }
        finally
        {
            context.Features.Set(original);
        }

        await SendAsync(context, buffer.ToArray(), limit, announceLength: true);
    }

    private async Task AnswerHugeAsync(HttpContext context, FaultDefinition definition, int megabytes)
    {
        var response = context.Response;
        response.ContentType = HttpJson.ContentType;
        Overrides.ApplyHeaders(response, definition.Headers);

        var scanResult = context.Request.Path.Value?.Contains("/scanResult", StringComparison.OrdinalIgnoreCase)
            ?? false;
        var baseUrl = PowerBiEndpoints.BaseUrl(context);
        if (definition.StallAfterBytes is { } limit)
        {
            // Only the part that will be sent is generated; the length stays unknown, as when streaming.
            var part = HugeBody.Generate(limit + 1L, scanResult, baseUrl);
            await SendAsync(context, part, limit, announceLength: false);
            return;
        }

        // Chunked and generated while it is sent: Kestrel's back-pressure holds the generator to the
        // client's pace, so the emulator's memory stays flat however large the body.
        response.ContentLength = null;
        await HugeBody.StreamAsync(response.BodyWriter, megabytes * 1024L * 1024L, scanResult, baseUrl,
            context.RequestAborted);
    }

    private async Task SendAsync(HttpContext context, byte[] body, int? stallAfterBytes, bool announceLength)
    {
        var response = context.Response;

        // 1xx, 204 and 304 answers cannot carry a body.
        var status = response.StatusCode;
        if (status is < 200 or 204 or 304)
        {
            body = [];
        }

        if (stallAfterBytes is not { } limit)
        {
            response.ContentLength = body.Length;
            if (body.Length > 0)
            {
                await response.Body.WriteAsync(body, context.RequestAborted);
            }

            return;
        }

        // A stalled body must stay incomplete: a body no longer than the limit loses its last byte, and
        // an empty one is sent chunked so the client waits for a chunk that never comes.
        var sent = Math.Min(limit, Math.Max(0, body.Length - 1));
        response.ContentLength = announceLength && body.Length > 0 ? body.Length : null;
        await response.StartAsync(context.RequestAborted);
        await response.Body.WriteAsync(body.AsMemory(0, sent), context.RequestAborted);
        await response.Body.FlushAsync(context.RequestAborted);

        using var stalled = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping);
        try
        {
            await Task.Delay(Timeout.Infinite, stalled.Token);
        }
        catch (OperationCanceledException)
        {
            // Expected: the stall lasts until the client leaves or the emulator stops.
        }

        // The answer is short on purpose; aborting keeps Kestrel from reporting a Content-Length mismatch.
        context.Abort();
    }

    private static (byte[] Body, string? ContentType) BodyAndType(FaultDefinition definition)
    {
        var (body, isJson) = Overrides.BodyOf(definition.Body);
        return (body, isJson ? HttpJson.ContentType : null);
    }

    private static T At<T>(List<T>? values, int position, T missing)
    {
        // Past the end the last entry repeats; "then": "model" was dealt with when matching.
        return values is { Count: > 0 } ? values[Math.Min(position, values.Count - 1)] : missing;
    }

    private string? RetryAfterAt(FaultDefinition definition, int position, int status)
    {
        var value = At(definition.RetryAfter, position, null)?.ToString();
        if (string.IsNullOrEmpty(value))
        {
            // A 429 without Retry-After is not what Power BI sends; one second keeps tests quick.
            return status == StatusCodes.Status429TooManyRequests ? "1" : null;
        }

        // "+2s" is an HTTP date computed per request, so a scenario file never holds a stale date.
        var relative = RelativePattern().Match(value);
        if (relative.Success)
        {
            var seconds = int.Parse(relative.Groups[1].Value, CultureInfo.InvariantCulture);
            return _clock.GetUtcNow().AddSeconds(seconds).ToString("R", CultureInfo.InvariantCulture);
        }

        return value;
    }

    private int? SecondsUntil(string? retryAfter)
    {
        if (retryAfter is null)
        {
            return null;
        }

        if (SecondsPattern().IsMatch(retryAfter)
            && int.TryParse(retryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds;
        }

        return DateTimeOffset.TryParse(
            retryAfter, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? (int)Math.Max(0, Math.Ceiling((date - _clock.GetUtcNow()).TotalSeconds))
            : null;
    }

    [GeneratedRegex(@"^\d+$")]
    private static partial Regex SecondsPattern();

    [GeneratedRegex(@"^\+(\d{1,9})s$")]
    private static partial Regex RelativePattern();

    private sealed class Entry(FaultDefinition definition, Regex pattern)
    {
        public FaultDefinition Definition { get; } = definition;

        public Regex Pattern { get; } = pattern;

        public long Uses;
    }
}

/// <summary>The values of a fault's <c>then</c> field.</summary>
public static class FaultThen
{
    /// <summary>After the last status the request falls through to the next fault, overrides and the model.</summary>
    public const string Model = "model";
}
