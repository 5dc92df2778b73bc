using Microsoft.AspNetCore.Http.Features;

namespace PbiPreflight.Emulator;

/// <summary>Request-path helpers shared by the emulator's middleware.</summary>
internal static class EmulatorPaths
{
    /// <summary>The emulator's control paths, never logged, delayed or overridden.</summary>
    public const string ControlPrefix = "/_emulator";

    /// <summary>True for a request to the emulator's control API.</summary>
    public static bool IsEmulatorPath(HttpContext context)
    {
        return context.Request.Path.StartsWithSegments(ControlPrefix, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Path and query exactly as the client sent them.</summary>
    public static string RawTarget(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        return string.IsNullOrEmpty(raw)
            ? context.Request.Path.ToString() + context.Request.QueryString.ToString()
            : raw;
    }
}
