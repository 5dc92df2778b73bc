using System.Text.Json;

namespace PbiPreflight
{
    /// <summary>Tolerant reads from a parsed document: a missing key or a value of the wrong type is null.</summary>
    internal static class JsonText
    {
        public static string? String(JsonElement element, string name)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
            {
                return null;
            }

            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    return StringValue(value);
                case JsonValueKind.Number:
                case JsonValueKind.True:
                case JsonValueKind.False:
                    return value.GetRawText();
                default:
                    return null;
            }
        }

        /// <summary>A string value, or null when its bytes are not valid UTF-8 (a damaged or hostile body).</summary>
        public static string? StringValue(JsonElement value)
        {
            try
            {
                return value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            }
            catch (System.InvalidOperationException)
            {
                return null;
            }
        }

        public static JsonElement? Array(JsonElement element, string name)
        {
            return element.ValueKind == JsonValueKind.Object &&
                element.TryGetProperty(name, out var value) &&
                value.ValueKind == JsonValueKind.Array
                ? value
                : (JsonElement?)null;
        }

        public static long? Number(JsonElement element, string name)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
            {
                return number;
            }

            // Some services send numbers as strings (MSAL's own client assertion does, for nbf and exp).
            return value.ValueKind == JsonValueKind.String && long.TryParse(StringValue(value), out number)
                ? number
                : null;
        }
    }
}
