using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace PbiPreflight.Emulator;

/// <summary>
/// The bodies a fault sends when the scenario gives none: what the service in front of the route
/// plausibly answers with that status, and the page a sign-in proxy or captive portal shows instead.
/// </summary>
public static class FaultBodies
{
    /// <summary>The content type of <see cref="SignInPage"/>.</summary>
    public const string HtmlContentType = "text/html; charset=utf-8";

    /// <summary>
    /// A sign-in page such as a proxy, a captive portal or a misrouted request to the login site returns
    /// with status 200, where a client expects JSON.
    /// </summary>
    public static readonly byte[] SignInPage = Encoding.UTF8.GetBytes(
        """
        <!DOCTYPE html>
        <html dir="ltr" class="" lang="en">
        <head>
            <title>Sign in to your account</title>
            <meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
            <meta name="viewport" content="width=device-width, initial-scale=1.0, maximum-scale=2.0">
            <meta name="robots" content="none">
        </head>
        <body>
            <form name="f1" id="i0281" method="post" action="/common/login" autocomplete="off">
                <div role="heading" aria-level="1">Sign in</div>
                <div>Your session has expired or your network requires you to sign in before continuing.</div>
                <input type="email" name="loginfmt" id="i0116" placeholder="Email, phone, or Skype">
                <input type="submit" id="idSIButton9" value="Next">
            </form>
        </body>
        </html>
        """);

    // Power BI's own words for throttling (api-facts §2.6), with the wait filled in.
    private const string ThrottledMessage = "You have exceeded the amount of requests allowed in the current time "
        + "frame and further requests will fail. Retry in {0} seconds.";

    /// <summary>
    /// The error body for <paramref name="status"/> on the requested route: Entra's OAuth shape on the
    /// token endpoint, otherwise Power BI's (the §2.6 throttling body for 429). Below 400 there is none.
    /// </summary>
    public static (byte[] Body, string? ContentType) ErrorBody(
        HttpContext context, int status, int? retryAfterSeconds, DateTimeOffset now)
    {
        if (status < 400)
        {
            return ([], null);
        }

        var body = context.Request.Path.Value?.Contains("/oauth2/", StringComparison.OrdinalIgnoreCase) == true
            ? EntraBody(context, status, now)
            : PowerBiBody(status, retryAfterSeconds);
        return (Encoding.UTF8.GetBytes(body.ToJsonString()), HttpJson.ContentType);
    }

    private static JsonObject PowerBiBody(int status, int? retryAfterSeconds)
    {
        if (status == StatusCodes.Status429TooManyRequests)
        {
            var seconds = retryAfterSeconds ?? 1;
            return new JsonObject
            {
                ["message"] = string.Format(CultureInfo.InvariantCulture, ThrottledMessage, seconds),
            };
        }

        var (code, message) = status switch
        {
            StatusCodes.Status503ServiceUnavailable =>
                ("ServiceUnavailable", "The service is temporarily unavailable. Please try again later."),
            StatusCodes.Status500InternalServerError =>
                ("InternalServerError", "An internal error occurred. Please try again later."),
            StatusCodes.Status502BadGateway => ("BadGateway", "The gateway received an invalid response."),
            StatusCodes.Status504GatewayTimeout => ("GatewayTimeout", "The request timed out at the gateway."),
            _ => (CodeOf(status), ReasonPhrases.GetReasonPhrase(status) + "."),
        };
        return new JsonObject
        {
            ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
        };
    }

    private static JsonObject EntraBody(HttpContext context, int status, DateTimeOffset now)
    {
        // MSAL retries temporarily_unavailable like a 5xx; other statuses get Entra's generic categories.
        const string Transient = "A transient error has occurred. Please try again.";
        var (error, code, text) = status switch
        {
            429 or 503 or 504 => ("temporarily_unavailable", 90033, Transient),
            >= 500 => ("server_error", 90033, Transient),
            401 => ("invalid_client", 7000215, "Invalid client secret provided."),
            _ => ("invalid_request", 50000, "There was an error issuing a token or an issue with our sign-in service."),
        };

        var traceId = Guid.NewGuid().ToString();
        var correlationId = context.Request.Headers["client-request-id"].ToString();
        if (correlationId.Length == 0)
        {
            correlationId = Guid.NewGuid().ToString();
        }

        var timestamp = now.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        EntraError.AddCommonHeaders(context, traceId);
        return new JsonObject
        {
            ["error"] = error,
            ["error_description"] = $"AADSTS{code}: {text}\r\nTrace ID: {traceId}\r\n"
                + $"Correlation ID: {correlationId}\r\nTimestamp: {timestamp}",
            ["error_codes"] = new JsonArray(code),
            ["timestamp"] = timestamp,
            ["trace_id"] = traceId,
            ["correlation_id"] = correlationId,
        };
    }

    private static string CodeOf(int status)
    {
        // "Gateway Timeout" → "GatewayTimeout", the way the service spells its codes.
        var phrase = ReasonPhrases.GetReasonPhrase(status);
        return phrase.Length == 0 ? "Error" : phrase.Replace(" ", "", StringComparison.Ordinal);
    }
}
