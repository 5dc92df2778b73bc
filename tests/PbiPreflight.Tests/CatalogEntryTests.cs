using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using PbiPreflight.Diagnosis;
using Xunit;

namespace PbiPreflight.Tests
{
    /// <summary>
    /// Every entry of the diagnosis catalog, read by reflection so that a new entry is checked without a new test,
    /// and the AADSTS map against the codes api-facts 1.8 and 11.4 list.
    /// </summary>
    public class CatalogEntryTests
    {
        /// <summary>The codes of api-facts 1.8 (service principals and ROPC).</summary>
        private static readonly long[] ServicePrincipalAndUserCodes =
        {
            7000215, 7000222, 7000218, 700025, 700027, 700016, 90002, 900023, 90014, 900144, 1002012, 500011,
            65001, 50034, 50126, 50053, 50055, 50057, 50076, 50079, 50158, 53003, 1002016, 50059, 90019, 50196,
            50049,
        };

        /// <summary>The codes of api-facts 11.4 (workload identity federation).</summary>
        private static readonly long[] FederationCodes =
        {
            70021, 700211, 700212, 700213, 7002137, 7002138, 700024, 90061,
        };

        /// <summary>
        /// Codes api-facts lists that the catalog does not map yet; they fall back to TokenRequestFailed with
        /// Entra ID's own description. 90061 (the external OIDC issuer could not be reached) is one of them.
        /// When the catalog learns a code, the coverage test fails until it leaves this list.
        /// </summary>
        private static readonly long[] KnownUnmappedCodes = { 90061 };

        /// <summary>
        /// Entries that deliberately share another entry's reason: the same cause told in other words, so that
        /// scripts filtering on the reason see one cause. Each is the field name and the reason it borrows.
        /// </summary>
        private static readonly Dictionary<string, string> SharedReasons = new Dictionary<string, string>
        {
            ["ExpressionsMissingWithoutTables"] = "ExpressionsMissing",
        };

        private static readonly Regex Placeholder =
            new Regex(@"(?<!\{)\{(?<index>\d+)(?:,[^}:]*)?(?::(?<format>[^}]*))?\}");

        public static TheoryData<string> EntryNames()
        {
            var names = new TheoryData<string>();
            foreach (var field in Fields())
            {
                names.Add(field.Name);
            }

            return names;
        }

        [Fact]
        public void CatalogHasTheEntriesTheChecksNeed()
        {
            Assert.True(Fields().Count > 80, "Fields found: " + Fields().Count);
        }

        [Theory]
        [MemberData(nameof(EntryNames))]
        public void EntryReasonIsPascalCaseAndEqualsItsFieldName(string name)
        {
            var entry = Entry(name);

            Assert.Equal(SharedReasons.TryGetValue(name, out var shared) ? shared : name, entry.Reason);
            Assert.Matches("^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*$", entry.Reason);
        }

        [Fact]
        public void ReasonsAreUnique()
        {
            var duplicates = Fields()
                .Where(field => !SharedReasons.ContainsKey(field.Name))
                .GroupBy(field => ((Diagnosis.Diagnosis)field.GetValue(null)!).Reason, StringComparer.OrdinalIgnoreCase)
                .Where(group => group.Count() > 1)
                .Select(group => group.Key)
                .ToList();

            Assert.Empty(duplicates);
            Assert.All(SharedReasons, pair =>
            {
                var alias = Entry(pair.Key);
                var original = Entry(pair.Value);
                Assert.Equal(original.Status, alias.Status);
                Assert.Equal(original.Remediation, alias.Remediation);
            });
        }

        [Theory]
        [MemberData(nameof(EntryNames))]
        public void EntryHasAMessageAndForEveryProblemARemedy(string name)
        {
            var entry = Entry(name);

            Assert.False(string.IsNullOrWhiteSpace(entry.Message));
            Assert.Equal(entry.Message.Trim(), entry.Message);
            if (entry.Status == CheckStatus.Passed)
            {
                Assert.Equal(string.Empty, entry.Remediation);
            }
            else if (entry.Status == CheckStatus.Skipped && entry.Remediation.Length == 0)
            {
                // A skip with nothing to fix must say why it skipped.
                Assert.StartsWith("Skipped", entry.Message, StringComparison.Ordinal);
                Assert.True(entry.Message.Length > "Skipped: ".Length + 20, entry.Message);
            }
            else
            {
                Assert.False(string.IsNullOrWhiteSpace(entry.Remediation), name + " needs a remediation.");
            }
        }

        [Theory]
        [MemberData(nameof(EntryNames))]
        public void EntryTextsAreValidFormatStrings(string name)
        {
            var entry = Entry(name);
            var messageSlots = Slots(entry.Message);
            var remediationSlots = Slots(entry.Remediation);

            // Verdicts fill both texts from the values the message takes.
            var values = Enumerable.Range(0, messageSlots.Count == 0 ? 0 : messageSlots.Max() + 1)
                .Select(_ => (object)new AnyFormat())
                .ToArray();
            if (values.Length > 0)
            {
                Assert.Equal(Enumerable.Range(0, values.Length), messageSlots.Distinct().OrderBy(slot => slot));
                var message = string.Format(CultureInfo.InvariantCulture, entry.Message, values);
                Assert.DoesNotContain("{", message, StringComparison.Ordinal);
                var remediation = string.Format(CultureInfo.InvariantCulture, entry.Remediation, values);
                Assert.DoesNotContain("{", remediation, StringComparison.Ordinal);
            }
            else
            {
                Assert.DoesNotContain("{", entry.Message, StringComparison.Ordinal);
            }

            Assert.All(remediationSlots, slot => Assert.True(
                slot < values.Length,
                name + "'s remediation uses {" + slot + "}, which its message does not take."));
        }

        [Theory]
        [MemberData(nameof(EntryNames))]
        public void AppliedEntryLeavesNoSlotUnfilled(string name)
        {
            var entry = Entry(name);
            var values = Enumerable.Range(0, Slots(entry.Message).DefaultIfEmpty(-1).Max() + 1)
                .Select(_ => (object?)new AnyFormat())
                .ToArray();

            var result = new CheckResult("Catalog", FakePowerBi.TenantId).Apply(entry, values);

            Assert.Equal(entry.Reason, result.Reason);
            Assert.Equal(entry.Status, result.Status);
            Assert.DoesNotContain("{", result.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("{", result.Remediation, StringComparison.Ordinal);
            Assert.Equal(Slots(entry.Remediation).Count == 0, result.Remediation == entry.Remediation);
        }

        [Theory]
        [MemberData(nameof(EntryNames))]
        public void EntryFormatsItsSlotsWithTheTypesItIsGiven(string name)
        {
            // A slot with a date format gets a date, any other slot a text or number: both must format.
            var entry = Entry(name);
            var formats = Placeholder.Matches(entry.Message)
                .Select(match => (Index: int.Parse(match.Groups["index"].Value, CultureInfo.InvariantCulture),
                    Format: match.Groups["format"].Value))
                .ToList();
            if (formats.Count == 0)
            {
                return;
            }

            var values = new object?[formats.Max(slot => slot.Index) + 1];
            foreach (var (index, format) in formats)
            {
                values[index] = format.Length == 0
                    ? "value"
                    : format == "u"
                        ? new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero)
                        : 12345.678;
            }

            var text = string.Format(CultureInfo.InvariantCulture, entry.Message, values);

            Assert.DoesNotContain("{", text, StringComparison.Ordinal);
            if (formats.Any(slot => slot.Format == "u"))
            {
                Assert.Contains("2030-01-02 03:04:05Z", text, StringComparison.Ordinal);
            }
        }

        [Fact]
        public void EntraMapHasAtLeastTwentyFiveCodesEachAFailedCatalogEntry()
        {
            var map = EntraCodes();

            Assert.True(map.Count >= 25, "Codes mapped: " + map.Count);
            var entries = Fields().Select(field => (Diagnosis.Diagnosis)field.GetValue(null)!).ToList();
            Assert.All(map, pair =>
            {
                Assert.Equal(CheckStatus.Failed, pair.Value.Status);
                Assert.Contains(pair.Value, entries);
                Assert.Same(pair.Value, DiagnosisCatalog.ForEntraCode(pair.Key));
                Assert.NotEqual("TokenRequestFailed", pair.Value.Reason);
            });
        }

        [Theory]
        [InlineData(0L)]
        [InlineData(-1L)]
        [InlineData(1L)]
        [InlineData(50000L)]
        [InlineData(9999999L)]
        [InlineData(long.MaxValue)]
        public void UnknownCodesMapToTokenRequestFailed(long code)
        {
            var diagnosis = DiagnosisCatalog.ForEntraCode(code);

            Assert.Same(DiagnosisCatalog.TokenRequestFailed, diagnosis);
            Assert.Equal(CheckStatus.Failed, diagnosis.Status);
        }

        [Fact]
        public void EveryCodeOfApiFactsIsMappedOrAKnownGap()
        {
            var map = EntraCodes();
            var unmapped = ServicePrincipalAndUserCodes
                .Concat(FederationCodes)
                .Where(code => !map.ContainsKey(code))
                .OrderBy(code => code)
                .ToList();

            Assert.Equal(KnownUnmappedCodes.OrderBy(code => code), unmapped);
        }

        [Theory]
        [InlineData(7000215L, "InvalidClientSecret")]
        [InlineData(7000222L, "ClientSecretExpired")]
        [InlineData(7000218L, "ClientCredentialMissing")]
        [InlineData(700025L, "PublicClientSentCredential")]
        [InlineData(700027L, "CertificateNotRegistered")]
        [InlineData(700016L, "AppNotFoundInTenant")]
        [InlineData(90002L, "TenantNotFound")]
        [InlineData(900023L, "MalformedTenant")]
        [InlineData(90014L, "MalformedTokenRequest")]
        [InlineData(900144L, "MalformedTokenRequest")]
        [InlineData(1002012L, "InvalidScope")]
        [InlineData(500011L, "ResourceNotFound")]
        [InlineData(65001L, "ConsentRequired")]
        [InlineData(50034L, "UserCredentialsInvalid")]
        [InlineData(50126L, "UserCredentialsInvalid")]
        [InlineData(50053L, "AccountLocked")]
        [InlineData(50055L, "PasswordExpired")]
        [InlineData(50057L, "AccountDisabled")]
        [InlineData(50076L, "MfaRequired")]
        [InlineData(50079L, "MfaRequired")]
        [InlineData(50158L, "MfaRequired")]
        [InlineData(53003L, "BlockedByConditionalAccess")]
        [InlineData(1002016L, "TlsVersionTooOld")]
        [InlineData(50059L, "MalformedTokenRequest")]
        [InlineData(90019L, "MalformedTokenRequest")]
        [InlineData(50196L, "SignInLoopDetected")]
        [InlineData(50049L, "UnknownAuthority")]
        [InlineData(70021L, "FederatedCredentialMismatch")]
        [InlineData(700211L, "FederatedCredentialMismatch")]
        [InlineData(700212L, "FederatedCredentialMismatch")]
        [InlineData(700213L, "FederatedCredentialMismatch")]
        [InlineData(7002137L, "FederatedCredentialMismatch")]
        [InlineData(7002138L, "FederatedCredentialMismatch")]
        [InlineData(700024L, "ClientAssertionExpired")]
        public void ApiFactsCodesGetTheirMeaning(long code, string reason)
        {
            Assert.Equal(reason, DiagnosisCatalog.ForEntraCode(code).Reason);
        }

        [Fact]
        public void SecretMistakesPointAtTheCredentialsPage()
        {
            // The two classic secret mistakes: the secret's id pasted for its value, and an expired secret.
            Assert.Contains("Secret ID", DiagnosisCatalog.InvalidClientSecret.Remediation, StringComparison.Ordinal);
            Assert.Equal(PortalPage.AppCredentials, DiagnosisCatalog.InvalidClientSecret.Page);
            Assert.Equal(PortalPage.AppCredentials, DiagnosisCatalog.ClientSecretExpired.Page);
            Assert.Contains("/.default", DiagnosisCatalog.InvalidScope.Remediation, StringComparison.Ordinal);
        }

        private static List<FieldInfo> Fields()
        {
            return typeof(DiagnosisCatalog)
                .GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(field => field.FieldType == typeof(Diagnosis.Diagnosis))
                .ToList();
        }

        private static Diagnosis.Diagnosis Entry(string name)
        {
            var field = typeof(DiagnosisCatalog).GetField(name, BindingFlags.Public | BindingFlags.Static)!;
            var value = field.GetValue(null);
            Assert.NotNull(value);
            return (Diagnosis.Diagnosis)value!;
        }

        private static IReadOnlyDictionary<long, Diagnosis.Diagnosis> EntraCodes()
        {
            var field = typeof(DiagnosisCatalog).GetField("EntraCodes", BindingFlags.NonPublic | BindingFlags.Static);
            Assert.NotNull(field);
            return (IReadOnlyDictionary<long, Diagnosis.Diagnosis>)field!.GetValue(null)!;
        }

        private static List<int> Slots(string text)
        {
            return Placeholder.Matches(text)
                .Select(match => int.Parse(match.Groups["index"].Value, CultureInfo.InvariantCulture))
                .ToList();
        }

        /// <summary>A value that formats under any format string, to test the braces alone.</summary>
        private sealed class AnyFormat : IFormattable
        {
            public string ToString(string? format, IFormatProvider? formatProvider) => "value";

            public override string ToString() => "value";
        }
    }
}
