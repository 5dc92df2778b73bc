using System;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PbiPreflight.Identity
{
    /// <summary>
    /// What Entra ID's token endpoint said when it refused: the OAuth category, the AADSTS code and the ids
    /// support asks for. Parsed from the body, never from exception text.
    /// </summary>
    internal sealed class EntraError
    {
        private static readonly Regex LeadingCode = new Regex(@"^\s*AADSTS(\d+)", RegexOptions.CultureInvariant);

        public string? Error { get; private set; }

        public string? Description { get; private set; }

        public long? Code { get; private set; }

        public string? TraceId { get; private set; }

        public string? CorrelationId { get; private set; }

        public string? SubError { get; private set; }

        /// <summary><c>AADSTS7000215</c>, or the OAuth category when no code came back.</summary>
        public string? ErrorCode => Code.HasValue ? "AADSTS" + Code.Value : Error;

        /// <summary>The first line of the description, without the trace lines Entra appends.</summary>
        public string? Summary => Description?.Split(new[] { "\r\n", "\n" }, StringSplitOptions.None)[0].Trim();

        /// <summary>Reads an Entra error body; null when the text is not one.</summary>
        public static EntraError? Parse(string? body)
        {
            if (string.IsNullOrWhiteSpace(body))
            {
                return null;
            }

            try
            {
                using var document = JsonDocument.Parse(body!);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }

                var parsed = new EntraError
                {
                    Error = JsonText.String(root, "error"),
                    Description = JsonText.String(root, "error_description"),
                    TraceId = JsonText.String(root, "trace_id"),
                    CorrelationId = JsonText.String(root, "correlation_id"),
                    SubError = JsonText.String(root, "suberror"),
                };

                parsed.Code = FirstCode(root) ?? CodeFromDescription(parsed.Description);
                return parsed.Error is null && parsed.Code is null ? null : parsed;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static long? FirstCode(JsonElement root)
        {
            if (!root.TryGetProperty("error_codes", out var codes) || codes.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            foreach (var code in codes.EnumerateArray())
            {
                if (code.ValueKind == JsonValueKind.Number && code.TryGetInt64(out var value))
                {
                    return value;
                }
            }

            return null;
        }

        // Older endpoints and some proxies keep only the description, which starts with the code.
        private static long? CodeFromDescription(string? description)
        {
            var match = description is null ? null : LeadingCode.Match(description);
            return match is { Success: true } && long.TryParse(match.Groups[1].Value, out var code) ? code : null;
        }
    }
}
