using System.Text.RegularExpressions;
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

    /// <summary>
    /// Whether a scenario rule (an override or a fault) applies to the request: the method, when the rule names
    /// one, and the pattern, searched in the target as sent (so "%24top" matches) and URL-decoded (so "\$top"
    /// matches).
    /// </summary>
    public static bool RuleMatches(HttpContext context, string? method, Regex pattern)
    {
        if (method is not null && !method.Equals(context.Request.Method, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var raw = RawTarget(context);
        if (pattern.IsMatch(raw))
        {
            return true;
        }

        try
        {
            return pattern.IsMatch(Uri.UnescapeDataString(raw));
        }
        catch (UriFormatException)
        {
            return false;
        }
    }
}
