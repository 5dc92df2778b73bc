using System.IO;
using System.Text.Json;
using PbiPreflight.Diagnosis;
using PbiPreflight.Identity;
using Xunit;

namespace PbiPreflight.Tests
{
    public class EntraErrorTests
    {
        [Theory]
        [InlineData("C02", 7000222L, "invalid_client", "ClientSecretExpired")]
        [InlineData("C04", 50076L, "interaction_required", "MfaRequired")]
        [InlineData("C07", 65001L, "invalid_grant", "ConsentRequired")]
        public void RecordedCasesParseToTheirCodeAndReason(string caseId, long code, string error, string reason)
        {
            var parsed = EntraError.Parse(CaseBody(caseId));

            Assert.NotNull(parsed);
            Assert.Equal(code, parsed!.Code);
            Assert.Equal(error, parsed.Error);
            Assert.Equal("AADSTS" + code, parsed.ErrorCode);
            Assert.StartsWith("7ace", parsed.TraceId);
            Assert.StartsWith("c0de", parsed.CorrelationId);
            Assert.Equal(reason, DiagnosisCatalog.ForEntraCode(parsed.Code).Reason);
        }

        [Fact]
        public void CodeIsTakenFromTheDescriptionWhenTheListIsMissing()
        {
            var parsed = EntraError.Parse(
                """{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}""");

            Assert.Equal(7000215, parsed!.Code);
            Assert.Equal("AADSTS7000215: Invalid client secret provided.", parsed.Summary);
        }

        [Theory]
        [InlineData("")]
        [InlineData("<html><body>Proxy error</body></html>")]
        [InlineData("[1,2,3]")]
        [InlineData("{\"unrelated\":true}")]
        [InlineData("{\"error\":")]
        public void TextThatIsNotAnEntraErrorGivesNull(string body)
        {
            Assert.Null(EntraError.Parse(body));
        }

        [Fact]
        public void UnknownCodesKeepTheGenericReason()
        {
            Assert.Equal("TokenRequestFailed", DiagnosisCatalog.ForEntraCode(9999999).Reason);
            Assert.Equal("TokenRequestFailed", DiagnosisCatalog.ForEntraCode(null).Reason);
        }

        internal static string CaseBody(string caseId)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine("cases", caseId + ".json")));
            return document.RootElement.GetProperty("response").GetProperty("body").GetString()!;
        }
    }
}
