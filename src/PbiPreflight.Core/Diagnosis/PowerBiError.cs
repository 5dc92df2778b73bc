using System.Text.Json;
using PbiPreflight.Http;

namespace PbiPreflight.Diagnosis
{
    /// <summary>
    /// The code and message in a Power BI error body, whichever of its shapes came back:
    /// <c>{"error":{"code":...,"pbi.error":{...}}}</c>, <c>{"message":...}</c> from the throttler, or
    /// ASP.NET's <c>{"Message":...}</c>.
    /// </summary>
    internal sealed class PowerBiError
    {
        public string? Code { get; private set; }

        public string? Message { get; private set; }

        public static PowerBiError Read(ApiResponse response)
        {
            using var document = response.TryParseJson(out _);
            var found = new PowerBiError();
            if (document is null || document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return found;
            }

            var root = document.RootElement;
            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                found.Code = JsonText.String(error, "code");
                found.Message = JsonText.String(error, "message");
                if (found.Code is null && error.TryGetProperty("pbi.error", out var inner))
                {
                    found.Code = JsonText.String(inner, "code");
                }
            }

            found.Message ??= JsonText.String(root, "message") ?? JsonText.String(root, "Message");
            return found;
        }
    }
}
