using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PbiPreflight.Emulator;

/// <summary>Writes JSON answers the way both services send them.</summary>
public static class HttpJson
{
    /// <summary>The content type both Entra ID and Power BI use for JSON.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    // The services do not escape quotes, ampersands or non-ASCII text; neither does the emulator.
    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Sends <paramref name="body"/> with <paramref name="status"/> as compact UTF-8 JSON.</summary>
    public static async Task WriteAsync(HttpContext context, int status, JsonNode body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString(WriteOptions));
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    /// <summary>The 404 answer for a path neither service knows.</summary>
    public static Task NotFoundAsync(HttpContext context)
    {
        var body = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = "NotFound",
                ["message"] = $"The emulator serves no {context.Request.Method} {context.Request.Path}.",
            },
        };
        return WriteAsync(context, StatusCodes.Status404NotFound, body);
    }
}
