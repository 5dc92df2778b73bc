using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Identity.Client;
using PbiPreflight.Checks;
using PbiPreflight.Http;
using PbiPreflight.Identity;
using Xunit;

namespace PbiPreflight.Tests
{
    /// <summary>
    /// The verdicts of the credential check on the token itself, through the engine: a given access token is
    /// inspected without a token request, and a token issued by the scripted token endpoint is judged the same way.
    /// </summary>
    public class CredentialVerdictTests
    {
        private static readonly DateTimeOffset Now = new DateTimeOffset(2030, 6, 1, 12, 0, 0, TimeSpan.Zero);

        [Fact]
        public async Task DelegatedTokenWithoutTenantReadAllIsRefused()
        {
            var result = await RunGivenAsync(TestTokens.UserV1(Now.AddHours(2), "Workspace.Read.All Dataset.Read.All"));

            Assert.Equal(CheckStatus.Failed, result.Status);
            Assert.Equal("DelegatedScopeMissing", result.Reason);
            Assert.Contains("Workspace.Read.All Dataset.Read.All", result.Message, StringComparison.Ordinal);
            Assert.Equal("user", result.Details["IdentityType"]);
            Assert.Equal("admin@contoso.com", result.Details["UserPrincipalName"]);
        }

        [Theory]
        [InlineData("Tenant.Read.All")]
        [InlineData("Workspace.Read.All Tenant.ReadWrite.All")]
        [InlineData("tenant.read.all")]
        public async Task DelegatedTokenWithATenantScopeIsAUserToken(string scopes)
        {
            var result = await RunGivenAsync(TestTokens.UserV1(Now.AddHours(2), scopes));

            Assert.Equal(CheckStatus.Passed, result.Status);
            Assert.Equal("UserTokenAcquired", result.Reason);
            Assert.Contains("admin@contoso.com", result.Message, StringComparison.Ordinal);
            Assert.Equal(scopes.Split(' '), (IEnumerable<string>)result.Details["Scopes"]!);
        }

        [Fact]
        public async Task AppTokenWithTenantReadAllRoleIsWarnedAbout()
        {
            var result = await RunGivenAsync(TestTokens.AppV1(Now.AddHours(2), "Tenant.Read.All", "Dataset.Read.All"));

            Assert.Equal(CheckStatus.Warning, result.Status);
            Assert.Equal("AdminConsentPermissionsPresent", result.Reason);
            Assert.Contains("Tenant.Read.All", result.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("Dataset.Read.All", result.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task IssuedAppTokenWithTenantRolesIsWarnedAbout()
        {
            // The scripted token endpoint issues the token, as Entra ID would to a client secret.
            var service = new FakePowerBi { Roles = new[] { "Tenant.ReadWrite.All" } };

            var request = EngineHarness.Request(PreflightChecks.CredentialScope);
            var reporter = await EngineHarness.RunAsync(service, request);
            var result = reporter.Single("CredentialScope");

            Assert.Equal(CheckStatus.Warning, result.Status);
            Assert.Equal("AdminConsentPermissionsPresent", result.Reason);
            Assert.Equal("ClientSecret", result.Details["CredentialKind"]);
        }

        [Fact]
        public async Task AppTokenWithoutRolesIsTheExpectedServicePrincipal()
        {
            var result = await RunGivenAsync(TestTokens.AppV1(Now.AddHours(2)));

            Assert.Equal(CheckStatus.Passed, result.Status);
            Assert.Equal("TokenAcquired", result.Reason);
            Assert.Equal("app", result.Details["IdentityType"]);
            Assert.Equal(FakePowerBi.TenantId, result.Details["TokenTenantId"]);
            Assert.Equal(FakePowerBi.ClientId, result.Details["AppId"]);
            Assert.Null(result.HelpUri);
        }

        [Fact]
        public async Task V2TokenForThePowerBiAppIdIsAccepted()
        {
            var claims = TestTokens.AppV1(Now.AddHours(2));
            claims["aud"] = TestTokens.PowerBiServiceAppId;
            claims["ver"] = "2.0";

            var result = await RunGivenAsync(claims, PbiEnvironment.China);

            Assert.Equal("TokenAcquired", result.Reason);
        }

        [Theory]
        [InlineData("https://analysis.usgovcloudapi.net/powerbi/api", PbiEnvironment.Public, "USGov")]
        [InlineData("https://analysis.windows.net/powerbi/api", PbiEnvironment.USGovHigh, "Public")]
        [InlineData("https://analysis.chinacloudapi.cn/powerbi/api/", PbiEnvironment.USGovMil, "China")]
        [InlineData("https://mil.analysis.usgovcloudapi.net/powerbi/api", PbiEnvironment.USGovHigh, "USGovMil")]
        public async Task TokenOfAnotherCloudIsACloudMismatch(string audience, PbiEnvironment target, string tokenCloud)
        {
            var claims = TestTokens.AppV1(Now.AddHours(2));
            claims["aud"] = audience;

            var result = await RunGivenAsync(claims, target);

            Assert.Equal(CheckStatus.Failed, result.Status);
            Assert.Equal("CloudMismatch", result.Reason);
            Assert.Contains("the " + tokenCloud + " cloud", result.Message, StringComparison.Ordinal);
            Assert.Contains("targets " + target, result.Message, StringComparison.Ordinal);
            Assert.Contains("-Environment " + tokenCloud, result.Remediation, StringComparison.Ordinal);
            Assert.DoesNotContain("{", result.Remediation, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("https://graph.microsoft.com")]
        [InlineData("https://management.azure.com/")]
        [InlineData("aaaaaaaa-0000-0000-0000-000000000001")]
        public async Task TokenForAnotherResourceIsAnAudienceMismatch(string audience)
        {
            var claims = TestTokens.AppV1(Now.AddHours(2));
            claims["aud"] = audience;

            var result = await RunGivenAsync(claims);

            Assert.Equal(CheckStatus.Failed, result.Status);
            Assert.Equal("TokenAudienceMismatch", result.Reason);
            Assert.Contains("'" + audience + "'", result.Message, StringComparison.Ordinal);
            Assert.Contains(CloudEndpoints.PublicResource + "/.default", result.Remediation, StringComparison.Ordinal);
            Assert.Equal(audience, result.Details["Audience"]);
        }

        [Fact]
        public async Task TokenOfAnotherTenantIsATenantMismatch()
        {
            var claims = TestTokens.AppV1(Now.AddHours(2));
            claims["tid"] = TestTokens.OtherTenant;

            var result = await RunGivenAsync(claims);

            Assert.Equal(CheckStatus.Failed, result.Status);
            Assert.Equal("TokenTenantMismatch", result.Reason);
            Assert.Contains(TestTokens.OtherTenant, result.Message, StringComparison.Ordinal);
            Assert.Contains(FakePowerBi.TenantId, result.Message, StringComparison.Ordinal);
            Assert.Contains("-TenantId " + TestTokens.OtherTenant, result.Remediation, StringComparison.Ordinal);
        }

        [Fact]
        public async Task TenantNamedByDomainIsNotComparedWithTheTokensTenantId()
        {
            var claims = TestTokens.AppV1(Now.AddHours(2));
            claims["tid"] = TestTokens.OtherTenant;

            var result = await RunGivenAsync(claims, tenant: "contoso.onmicrosoft.com");

            Assert.Equal("TokenAcquired", result.Reason);
        }

        [Fact]
        public async Task ExpiredGivenTokenFails()
        {
            var expired = Now.AddMinutes(-5);

            var result = await RunGivenAsync(TestTokens.AppV1(expired));

            Assert.Equal(CheckStatus.Failed, result.Status);
            Assert.Equal("AccessTokenExpired", result.Reason);
            Assert.Contains("2030-06-01 11:55:00Z", result.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(30)]
        [InlineData(59)]
        [InlineData(2)]
        public async Task GivenTokenEndingWithinAnHourIsWarnedAbout(int minutes)
        {
            var result = await RunGivenAsync(TestTokens.UserV1(Now.AddMinutes(minutes), "Tenant.Read.All"));

            Assert.Equal(CheckStatus.Warning, result.Status);
            Assert.Equal("AccessTokenExpiresSoon", result.Reason);

            // The fake clock moves a little while the engine runs, so the minutes left may be one fewer.
            var left = int.Parse(System.Text.RegularExpressions.Regex.Match(result.Message, @"in (\d+) minute")
                .Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(left, minutes - 1, minutes);
        }

        [Fact]
        public async Task GivenTokenWithMoreThanAnHourLeftIsJudgedOnItsClaims()
        {
            var result = await RunGivenAsync(TestTokens.UserV1(Now.AddMinutes(90), "Tenant.Read.All"));

            Assert.Equal("UserTokenAcquired", result.Reason);
        }

        [Theory]
        [InlineData("opaque-reference-token-0123456789")]
        [InlineData("eyJ0eXAiOiJKV1QifQ.eyJ0aWQiOiJ0In0")]
        [InlineData("eyJ0eXAiOiJKV1QifQ.W10.c2ln")]
        public async Task GivenTokenThatIsNoJwtIsOpaque(string token)
        {
            var result = await RunGivenAsync(token);

            Assert.Equal(CheckStatus.Warning, result.Status);
            Assert.Equal("AccessTokenOpaque", result.Reason);
            Assert.Null(result.Details["Audience"]);
        }

        [Fact]
        public async Task BearerPrefixIsRemovedFromAGivenToken()
        {
            var result = await RunGivenAsync("Bearer " + TestTokens.Jwt(TestTokens.AppV1(Now.AddHours(2))));

            Assert.Equal("TokenAcquired", result.Reason);
        }

        [Theory]
        [InlineData(PbiEnvironment.Public, "https://portal.azure.com/")]
        [InlineData(PbiEnvironment.USGovHigh, "https://portal.azure.us/")]
        [InlineData(PbiEnvironment.China, "https://portal.azure.cn/")]
        public async Task DiagnosisWithAPortalPageLinksToItInTheCloudsPortal(PbiEnvironment environment,
            string portal)
        {
            var claims = TestTokens.UserV1(Now.AddHours(2), "Workspace.Read.All");
            claims["aud"] = CloudEndpoints.For(environment).ResourceUri.AbsoluteUri;

            var result = await RunGivenAsync(claims, environment, clientId: FakePowerBi.ClientId);

            Assert.Equal("DelegatedScopeMissing", result.Reason);
            Assert.Equal(
                portal + "#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/CallAnAPI/appId/" +
                FakePowerBi.ClientId,
                result.HelpUri);
        }

        [Fact]
        public async Task DiagnosisWithoutAPortalPageHasNoLink()
        {
            var claims = TestTokens.AppV1(Now.AddHours(2));
            claims["aud"] = "https://graph.microsoft.com";

            var result = await RunGivenAsync(claims, clientId: FakePowerBi.ClientId);

            Assert.Equal("TokenAudienceMismatch", result.Reason);
            Assert.Null(result.HelpUri);
        }

        [Fact]
        public async Task GivenTokenNeverAppearsInTheResult()
        {
            var token = TestTokens.Jwt(TestTokens.UserV1(Now.AddHours(2), "Workspace.Read.All"));

            var result = await RunGivenAsync(token);

            var texts = new[] { result.Message, result.Remediation, result.Response ?? string.Empty }
                .Concat(result.Details.Values.Select(value => value?.ToString() ?? string.Empty));
            Assert.All(texts, text => Assert.DoesNotContain(token.Split('.')[1], text, StringComparison.Ordinal));
        }

        [Theory]
        [InlineData("opaque-reference-token-0123456789")]
        [InlineData("Bearer opaque-reference-token-0123456789")]
        [InlineData("opaque-reference-token-0123456789\n")]
        public async Task GivenTokenEchoedByPowerBiIsRedactedAsSent(string given)
        {
            // The token goes out without its prefix and whitespace; an echo of what was sent is still the token.
            const string sent = "opaque-reference-token-0123456789";
            var connection = new ConnectionOptions(
                FakePowerBi.TenantId,
                null,
                new AccessTokenCredential(EngineHarness.Secure(given)),
                CloudEndpoints.For(PbiEnvironment.Public),
                TimeSpan.FromSeconds(30));
            var echo = FakePowerBi.Json(500, "{\"error\":{\"code\":\"Echo\",\"message\":\"token " + sent + "\"}}");
            var service = new FakePowerBi().On("groups", echo, echo, echo).On("admin/groups", echo, echo, echo);

            var reporter = await EngineHarness.RunAsync(
                service,
                new PreflightRequest(connection, PreflightChecks.WorkspacePermission),
                new FakeTimeProvider(Now));

            var summary = reporter.Single("WorkspacePermission");
            Assert.Equal("ServiceError", summary.Reason);
            Assert.Contains("token " + SecretRedactor.Mask, summary.Response, StringComparison.Ordinal);
            Assert.All(
                reporter.Results,
                result => Assert.DoesNotContain(sent, Texts(result), StringComparison.Ordinal));
            Assert.All(reporter.Lines, line => Assert.DoesNotContain(sent, line, StringComparison.Ordinal));
        }

        private static string Texts(CheckResult result)
        {
            return string.Join("\n", new[] { result.Message, result.Remediation, result.Response ?? string.Empty }
                .Concat(result.Details.Values.Select(value => value?.ToString() ?? string.Empty)));
        }

        [Theory]
        [InlineData("aud")]
        [InlineData("tid")]
        [InlineData("exp")]
        public async Task GivenTokenWithoutAClaimEntraAlwaysWritesIsNotJudgedAsAPass(string missing)
        {
            var claims = TestTokens.AppV1(Now.AddHours(2));
            claims.Remove(missing);

            var result = await RunGivenAsync(claims);

            Assert.Equal(CheckStatus.Warning, result.Status);
            Assert.Equal("AccessTokenIncomplete", result.Reason);
            Assert.Contains("(" + missing + ")", result.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task GivenTokenMissingAClaimIsStillJudgedOnTheClaimsItHas()
        {
            var expired = TestTokens.AppV1(Now.AddHours(-1));
            expired.Remove("appid");
            var graph = TestTokens.AppV1(Now.AddHours(2));
            graph["aud"] = "https://graph.microsoft.com";
            graph.Remove("exp");
            var foreign = TestTokens.AppV1(Now.AddHours(2));
            foreign["tid"] = TestTokens.OtherTenant;
            foreign.Remove("appid");

            Assert.Equal("AccessTokenExpired", (await RunGivenAsync(expired)).Reason);
            Assert.Equal("TokenAudienceMismatch", (await RunGivenAsync(graph)).Reason);
            Assert.Equal("TokenTenantMismatch", (await RunGivenAsync(foreign)).Reason);
        }

        [Fact]
        public async Task GivenTokenWithNoClaimsAtAllNamesEveryMissingClaim()
        {
            var result = await RunGivenAsync(TestTokens.Jwt("{}"));

            Assert.Equal(CheckStatus.Warning, result.Status);
            Assert.Equal("AccessTokenIncomplete", result.Reason);
            Assert.Contains("(aud, tid, appid or azp, exp)", result.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("9999", result.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(false, "SignInStoppedByMsal")]
        [InlineData(true, "AuthorityUnreachable")]
        public void MsalsOwnRefusalIsNotBlamedOnTheNetwork(bool networkBehind, string reason)
        {
            var request = EngineHarness.Request(PreflightChecks.CredentialScope);
            using var transport = new HttpTransport(new FakePowerBi());
            var session = new PreflightSession(
                request, transport, new RecordingReporter(), TimeProvider.System, CancellationToken.None);
            var cause = networkBehind ? new HttpRequestException("The response ended prematurely.") : null;
            var refusal = new MsalClientException("unknown_user_type", "Unsupported User Type 'Unknown'.", cause);

            var result = CredentialScopeCheck.Describe(
                session, new TokenOutcome { Failure = refusal }, session.NewResult(CheckIds.CredentialScope));

            Assert.Equal(CheckStatus.Failed, result.Status);
            Assert.Equal(reason, result.Reason);
            Assert.Equal("unknown_user_type", result.ErrorCode);
            Assert.Contains("Unsupported User Type", result.Message, StringComparison.Ordinal);
        }

        private static Task<CheckResult> RunGivenAsync(
            IDictionary<string, object?> claims,
            PbiEnvironment environment = PbiEnvironment.Public,
            string? clientId = null,
            string tenant = FakePowerBi.TenantId)
        {
            return RunGivenAsync(TestTokens.Jwt(claims), environment, clientId, tenant);
        }

        private static async Task<CheckResult> RunGivenAsync(
            string token,
            PbiEnvironment environment = PbiEnvironment.Public,
            string? clientId = null,
            string tenant = FakePowerBi.TenantId)
        {
            // Every request goes to the fake handler whatever the host; a given token needs none for this check.
            var connection = new ConnectionOptions(
                tenant,
                clientId,
                new AccessTokenCredential(EngineHarness.Secure(token)),
                CloudEndpoints.For(environment),
                TimeSpan.FromSeconds(30));
            var service = new FakePowerBi();
            var reporter = await EngineHarness.RunAsync(
                service,
                new PreflightRequest(connection, PreflightChecks.CredentialScope),
                new FakeTimeProvider(Now));

            Assert.DoesNotContain(service.Requests, request => request.Contains("/token", StringComparison.Ordinal));
            return reporter.Single("CredentialScope");
        }
    }
}
