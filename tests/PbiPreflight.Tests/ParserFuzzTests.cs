using System;
using System.Net.Http;
using System.Text;
using PbiPreflight.Checks;
using PbiPreflight.Diagnosis;
using PbiPreflight.Http;
using PbiPreflight.Identity;
using Xunit;

namespace PbiPreflight.Tests
{
    /// <summary>
    /// Feeds mutated recorded bodies through every parser that reads a service's answer: none may throw, whatever
    /// arrives; each either reads what it can or says the answer is not what it expected.
    /// </summary>
    public class ParserFuzzTests
    {
        private static readonly string[] Bodies =
        {
            EntraErrorTests.CaseBody("C02"),
            EntraErrorTests.CaseBody("C15"),
            EntraErrorTests.CaseBody("C26"),
            EntraErrorTests.CaseBody("C30"),
            "{\"@odata.count\":2,\"value\":[{\"id\":\"3d9b93c6-0000-0000-0000-000000000001\",\"name\":\"Finance\"," +
                "\"type\":\"Workspace\",\"state\":\"Active\",\"datasets\":[{\"id\":\"d1\"}]}]}",
            """{"value":[{"settingName":"AllowServicePrincipalsUseReadAdminAPIs","title":"t","enabled":true,""" +
                "\"enabledSecurityGroups\":[{\"graphId\":\"g\",\"name\":\"n\"}]}],\"tenantSettings\":[]}",
        };

        [Fact]
        public void NoParserThrowsOnMutatedBodies()
        {
            var random = new Random(7);
            for (var round = 0; round < 3000; round++)
            {
                var original = Encoding.UTF8.GetBytes(Bodies[round % Bodies.Length]);
                var mutated = ScanResultReaderTests.Mutate(original, random);
                var response = new ApiResponse(HttpMethod.Get, "groups?$top=100")
                {
                    Status = 200,
                    ContentType = "application/json",
                    Body = mutated,
                };
                var text = Encoding.UTF8.GetString(mutated);

                EntraError.Parse(text);
                PowerBiError.Read(response);
                WorkspaceListing.Read(response, 100);
                TenantSettingsCheck.Read(response);
                TokenClaims.Read("eyJhbGciOiJub25lIn0." + Convert.ToBase64String(mutated) + ".x");
                new CheckResult("X", "t").JudgeFailure(
                    new ApiResponse(HttpMethod.Get, "x") { Status = 500, Body = mutated, ContentType = "text/html" },
                    ApiKind.Admin,
                    null,
                    new Uri("https://api.test/"),
                    new SecretRedactor());
            }
        }
    }
}
