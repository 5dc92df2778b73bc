using System;
using System.Collections;
using System.Globalization;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace PbiPreflight.Reports
{
    /// <summary>
    /// A JSON array of results, one object each, with the result objects' own property names so that
    /// <c>ConvertFrom-Json</c> gives back objects that read like the originals. Every property is always present
    /// (null when empty), the status is its name, the duration is <c>hh:mm:ss.fffffff</c> and the timestamp is
    /// ISO 8601; <c>Details</c> is an object of the check's facts.
    /// </summary>
    internal static class JsonReportWriter
    {
        // Non-ASCII text is kept readable; characters that matter to HTML and JavaScript stay escaped, so the
        // file is safe to embed in a page.
        private static readonly JsonWriterOptions Options = new JsonWriterOptions
        {
            Indented = true,
            Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        };

        // Details come from the engine as flat values and lists; the limit only guards against a cycle in a
        // hand-made object.
        private const int MaximumDepth = 8;

        public static void Write(ReportModel model, Stream destination)
        {
            using var json = new Utf8JsonWriter(destination, Options);
            json.WriteStartArray();
            foreach (var result in model.Results)
            {
                WriteResult(json, result);
            }

            json.WriteEndArray();
            json.Flush();
        }

        private static void WriteResult(Utf8JsonWriter json, CheckResult result)
        {
            json.WriteStartObject();
            json.WriteString("TenantId", Text(result.TenantId));
            json.WriteString("Check", Text(result.Check));
            json.WriteString("Status", result.Status.ToString());
            json.WriteString("Reason", Text(result.Reason));
            json.WriteString("Message", Text(result.Message));
            json.WriteString("Remediation", Text(result.Remediation));
            WriteOptional(json, "ErrorCode", result.ErrorCode);
            if (result.HttpStatus is { } status)
            {
                json.WriteNumber("HttpStatus", status);
            }
            else
            {
                json.WriteNull("HttpStatus");
            }

            WriteOptional(json, "RequestId", result.RequestId);
            WriteOptional(json, "TraceId", result.TraceId);
            WriteOptional(json, "CorrelationId", result.CorrelationId);
            WriteOptional(json, "Response", result.Response);
            json.WriteString("Timestamp", result.Timestamp.ToString("o", CultureInfo.InvariantCulture));
            json.WriteString("Duration", result.Duration.ToString("c", CultureInfo.InvariantCulture));
            json.WritePropertyName("Details");
            json.WriteStartObject();
            foreach (var pair in ReportText.SortedDetails(result))
            {
                json.WritePropertyName(Text(pair.Key));
                WriteValue(json, pair.Value, 0);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
        {
            if (value is null)
            {
                json.WriteNull(name);
            }
            else
            {
                json.WriteString(name, Text(value));
            }
        }

        private static void WriteValue(Utf8JsonWriter json, object? value, int depth)
        {
            if (depth >= MaximumDepth)
            {
                json.WriteStringValue(ReportText.Describe(value));
                return;
            }

            switch (value)
            {
                case null:
                    json.WriteNullValue();
                    break;
                case string text:
                    json.WriteStringValue(Text(text));
                    break;
                case bool flag:
                    json.WriteBooleanValue(flag);
                    break;
                case int or long or short or byte or sbyte or ushort or uint:
                    json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                    break;
                case ulong number:
                    json.WriteNumberValue(number);
                    break;
                case double number when !double.IsNaN(number) && !double.IsInfinity(number):
                    json.WriteNumberValue(number);
                    break;
                case float number when !float.IsNaN(number) && !float.IsInfinity(number):
                    json.WriteNumberValue(number);
                    break;
                case decimal number:
                    json.WriteNumberValue(number);
                    break;
                case DateTimeOffset moment:
                    json.WriteStringValue(moment.ToString("o", CultureInfo.InvariantCulture));
                    break;
                case DateTime moment:
                    json.WriteStringValue(moment.ToString("o", CultureInfo.InvariantCulture));
                    break;
                case TimeSpan span:
                    json.WriteStringValue(span.ToString("c", CultureInfo.InvariantCulture));
                    break;
                case IDictionary map:
                    json.WriteStartObject();
                    foreach (DictionaryEntry entry in map)
                    {
                        json.WritePropertyName(ReportText.Describe(entry.Key));
                        WriteValue(json, entry.Value, depth + 1);
                    }

                    json.WriteEndObject();
                    break;
                case IEnumerable items:
                    json.WriteStartArray();
                    foreach (var item in items)
                    {
                        WriteValue(json, item, depth + 1);
                    }

                    json.WriteEndArray();
                    break;
                default:
                    // Enums, GUIDs, and anything else: its text, as a person would read it.
                    json.WriteStringValue(ReportText.Describe(value));
                    break;
            }
        }

        private static string Text(string? text) => ReportText.Clean(text);
    }
}
