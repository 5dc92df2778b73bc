using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace PbiPreflight
{
    /// <summary>
    /// Removes secrets from text before it leaves the engine: the caller's own secret wherever it appears, and
    /// anything shaped like a token or a credential field. Every body, log line and message passes through it.
    /// </summary>
    public sealed class SecretRedactor
    {
        /// <summary>What a removed secret is replaced with.</summary>
        public const string Mask = "***";

        private static readonly Regex CredentialFields = new Regex(
            "(?<name>\"?(?:access_token|refresh_token|id_token|client_secret|client_assertion|password|" +
            "device_code|assertion)\"?\\s*[:=]\\s*\"?)(?<value>[^\"&\\s,}]+)",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        // Three base64url segments starting with a JSON header: a JWT, signed or not.
        private static readonly Regex JsonWebToken = new Regex(
            @"eyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*",
            RegexOptions.CultureInvariant);

        private static readonly Regex BearerHeader = new Regex(
            @"(?<name>Bearer\s+)(?<value>[A-Za-z0-9_\-\.~\+/=]+)",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private readonly List<string> knownSecrets = new List<string>();

        /// <summary>Adds a value that must never appear, such as the caller's client secret.</summary>
        public void AddSecret(string? secret)
        {
            // Very short values would mask ordinary words; a real secret is never that short.
            if (secret is { Length: >= 4 })
            {
                lock (knownSecrets)
                {
                    knownSecrets.Add(secret);
                    knownSecrets.Add(Uri.EscapeDataString(secret));
                }
            }
        }

        /// <summary>
        /// The result with every text field and detail redacted, whatever a check copied into it: a service may
        /// echo a secret in any field it returns.
        /// </summary>
        internal CheckResult Redact(CheckResult result)
        {
            result.Message = Redact(result.Message);
            result.Remediation = Redact(result.Remediation);
            result.ErrorCode = result.ErrorCode is null ? null : Redact(result.ErrorCode);
            result.Response = result.Response is null ? null : Redact(result.Response);
            foreach (var key in new List<string>(result.Details.Keys))
            {
                result.Details[key] = RedactValue(result.Details[key]);
            }

            return result;
        }

        private object? RedactValue(object? value)
        {
            switch (value)
            {
                case string text:
                    return Redact(text);
                case IEnumerable<string> texts:
                    return new List<string>(System.Linq.Enumerable.Select(texts, Redact));
                default:
                    return value;
            }
        }

        /// <summary>The text with every secret replaced by <see cref="Mask"/>.</summary>
        public string Redact(string text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return text;
            }

            lock (knownSecrets)
            {
                foreach (var secret in knownSecrets)
                {
                    text = text.Replace(secret, Mask);
                }
            }

            text = JsonWebToken.Replace(text, Mask);
            text = BearerHeader.Replace(text, match => match.Groups["name"].Value + Mask);
            return CredentialFields.Replace(text, match => match.Groups["name"].Value + Mask);
        }
    }
}
