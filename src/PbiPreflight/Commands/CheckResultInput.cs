using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;

namespace PbiPreflight.Commands
{
    /// <summary>
    /// Turns a pipeline object into a <see cref="CheckResult"/>: a live result as it is, and otherwise by property
    /// names, so that results that went through Export-Clixml, a remote session, a job or ConvertFrom-Json are
    /// reported as well. An object without a check name, a known status and a tenant is not a result.
    /// </summary>
    internal static class CheckResultInput
    {
        // Details of a deserialized result are plain values and lists; deeper nesting is kept as text.
        private const int MaximumDepth = 4;

        /// <summary>The result, or null when the object is not one.</summary>
        public static CheckResult? From(PSObject? input)
        {
            if (input is null)
            {
                return null;
            }

            if (input.BaseObject is CheckResult live)
            {
                return live;
            }

            var check = Value(input, nameof(CheckResult.Check)) as string;
            var tenantId = Value(input, nameof(CheckResult.TenantId)) as string;
            var status = ParseStatus(Value(input, nameof(CheckResult.Status)));
            if (string.IsNullOrWhiteSpace(check) || tenantId is null || status is null)
            {
                return null;
            }

            var result = new CheckResult(check!, tenantId)
            {
                Status = status.Value,
                Reason = Text(input, nameof(CheckResult.Reason)) ?? string.Empty,
                Message = Text(input, nameof(CheckResult.Message)) ?? string.Empty,
                Remediation = Text(input, nameof(CheckResult.Remediation)) ?? string.Empty,
                ErrorCode = Text(input, nameof(CheckResult.ErrorCode)),
                HttpStatus = ParseInt(Value(input, nameof(CheckResult.HttpStatus))),
                RequestId = Text(input, nameof(CheckResult.RequestId)),
                TraceId = Text(input, nameof(CheckResult.TraceId)),
                CorrelationId = Text(input, nameof(CheckResult.CorrelationId)),
                Response = Text(input, nameof(CheckResult.Response)),
                Duration = ParseDuration(Value(input, nameof(CheckResult.Duration))),
                Timestamp = ParseMoment(Value(input, nameof(CheckResult.Timestamp))) ?? default,
            };
            CopyDetails(Value(input, nameof(CheckResult.Details)), result.Details);
            return result;
        }

        private static object? Value(PSObject input, string name)
        {
            return Unwrap(input.Properties[name]?.Value);
        }

        // A deserialized object keeps its base value (a number, a string) inside a PSObject; a property bag has
        // nothing under it and stays a PSObject.
        private static object? Unwrap(object? value)
        {
            return value is PSObject wrapped && !(wrapped.BaseObject is PSCustomObject) ? wrapped.BaseObject : value;
        }

        private static string? Text(PSObject input, string name)
        {
            var value = Value(input, name);
            return value is null ? null : Convert.ToString(value, CultureInfo.InvariantCulture);
        }

        // Clixml keeps an enum as its number with its name as the text; ConvertTo-Json writes the number unless
        // told -EnumsAsStrings. Both forms are taken; an unknown name or number is not a status.
        private static CheckStatus? ParseStatus(object? value)
        {
            var text = value switch
            {
                null => null,
                CheckStatus status => status.ToString(),
                _ => Convert.ToString(value, CultureInfo.InvariantCulture),
            };
            if (Enum.TryParse<CheckStatus>(text, ignoreCase: true, out var parsed) &&
                Enum.IsDefined(typeof(CheckStatus), parsed))
            {
                return parsed;
            }

            return null;
        }

        private static int? ParseInt(object? value)
        {
            switch (value)
            {
                case null:
                    return null;
                case int number:
                    return number;
                case long number when number >= int.MinValue && number <= int.MaxValue:
                    return (int)number;
                default:
                    return int.TryParse(
                        Convert.ToString(value, CultureInfo.InvariantCulture),
                        NumberStyles.Integer,
                        CultureInfo.InvariantCulture,
                        out var parsed) ? parsed : (int?)null;
            }
        }

        // Clixml keeps a TimeSpan; ConvertTo-Json writes an object with Ticks; this module's JSON report writes
        // the constant "c" form.
        private static TimeSpan ParseDuration(object? value)
        {
            switch (value)
            {
                case TimeSpan span:
                    return span;
                case string text when TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var parsed):
                    return parsed;
                case PSObject bag when ParseInt64(Unwrap(bag.Properties["Ticks"]?.Value)) is { } ticks:
                    return TimeSpan.FromTicks(ticks);
                default:
                    return TimeSpan.Zero;
            }
        }

        private static long? ParseInt64(object? value)
        {
            return value is null ? null : long.TryParse(
                Convert.ToString(value, CultureInfo.InvariantCulture),
                NumberStyles.Integer,
                CultureInfo.InvariantCulture,
                out var parsed) ? parsed : (long?)null;
        }

        // Clixml has no DateTimeOffset: it comes back as a bag whose UtcDateTime is a real DateTime.
        // ConvertFrom-Json turns ISO 8601 text into a DateTime.
        private static DateTimeOffset? ParseMoment(object? value)
        {
            switch (value)
            {
                case DateTimeOffset moment:
                    return moment;
                case DateTime moment when moment.Kind == DateTimeKind.Unspecified:
                    return new DateTimeOffset(DateTime.SpecifyKind(moment, DateTimeKind.Utc));
                case DateTime moment:
                    return new DateTimeOffset(moment.ToUniversalTime());
                case string text when DateTimeOffset.TryParse(
                    text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed):
                    return parsed;
                case PSObject bag when Unwrap(bag.Properties["UtcDateTime"]?.Value) is DateTime utc:
                    return new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
                default:
                    return null;
            }
        }

        private static void CopyDetails(object? value, CheckDetails details)
        {
            switch (value)
            {
                case IDictionary map:
                    foreach (DictionaryEntry entry in map)
                    {
                        var key = Convert.ToString(Unwrap(entry.Key), CultureInfo.InvariantCulture);
                        if (!string.IsNullOrEmpty(key))
                        {
                            details[key!] = Plain(entry.Value, 0);
                        }
                    }

                    break;
                case PSObject bag:
                    foreach (var property in bag.Properties)
                    {
                        details[property.Name] = Plain(property.Value, 0);
                    }

                    break;
            }
        }

        // Details end up as strings, numbers, Booleans, moments and lists of them: what the writers know how to
        // show. Anything else is kept as its text.
        private static object? Plain(object? value, int depth)
        {
            value = Unwrap(value);
            switch (value)
            {
                case null:
                case string _:
                case bool _:
                case int _:
                case long _:
                case double _:
                case decimal _:
                case DateTime _:
                case DateTimeOffset _:
                case TimeSpan _:
                    return value;
                case IDictionary map when depth < MaximumDepth:
                    var copy = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                    foreach (DictionaryEntry entry in map)
                    {
                        copy[Convert.ToString(Unwrap(entry.Key), CultureInfo.InvariantCulture) ?? string.Empty] =
                            Plain(entry.Value, depth + 1);
                    }

                    return copy;
                case PSObject bag when bag.TypeNames.Contains("Deserialized.System.DateTimeOffset"):
                    return ParseMoment(bag);
                case PSObject bag when depth < MaximumDepth:
                    return bag.Properties.ToDictionary(
                        property => property.Name,
                        property => Plain(property.Value, depth + 1),
                        StringComparer.OrdinalIgnoreCase);
                case IEnumerable items when depth < MaximumDepth:
                    return items.Cast<object?>().Select(item => Plain(item, depth + 1)).ToList();
                default:
                    return Convert.ToString(value, CultureInfo.InvariantCulture);
            }
        }
    }
}
