using System;
using System.Net.Http;
using System.Text;
using PbiPreflight.Diagnosis;
using PbiPreflight.Http;
using PbiPreflight.Identity;
using Xunit;

namespace PbiPreflight.Tests
{
    public class PowerBiVerdictTests
    {
        private const string NotAuthorized =
            """{"error":{"code":"PowerBINotAuthorizedException","pbi.error":""" +
            """{"code":"PowerBINotAuthorizedException","parameters":{},"details":[],"exceptionCulprit":1}}}""";

        private static readonly Uri ApiBase = new Uri("https://api.test/");

        [Theory]
        [InlineData(NotAuthorized)]
        [InlineData("")]
        public void RefusedAdminCallIsAdminApiNotAuthorizedWithOrWithoutABody(string body)
        {
            var result = Judge(Response(401, body, "application/json"), ApiKind.Admin, claims: null);

            Assert.Equal(CheckStatus.Failed, result.Status);
            Assert.Equal("AdminApiNotAuthorized", result.Reason);
            Assert.Equal(401, result.HttpStatus);
            Assert.Equal("req-1", result.RequestId);
            Assert.Contains("GET admin/groups", result.Message);
            Assert.Contains("read-only admin APIs", result.Remediation);
            Assert.Equal(body.Length == 0 ? null : "PowerBINotAuthorizedException", result.ErrorCode);
        }

        [Fact]
        public void RefusalWithPowerBiApplicationPermissionsBlamesThePermissions()
        {
            var claims = TokenClaims.Read(FakePowerBi.Token(new[] { "Tenant.Read.All" }));

            var result = Judge(Response(401, NotAuthorized, "application/json"), ApiKind.Admin, claims);

            Assert.Equal("AdminConsentPermissionsBlockAdminApi", result.Reason);
            Assert.Contains("Tenant.Read.All", result.Message);
        }

        [Fact]
        public void RefusedPublicCallNamesTheDeveloperSetting()
        {
            var result = Judge(Response(403, NotAuthorized, "application/json"), ApiKind.Public, claims: null);

            Assert.Equal("PublicApiNotAuthorized", result.Reason);
            Assert.Contains("Developer settings", result.Remediation);
        }

        [Fact]
        public void ExpiredTokenIsItsOwnReason()
        {
            var body = "{\"error\":{\"code\":\"TokenExpired\",\"message\":\"Access token has expired\"}}";

            var result = Judge(Response(403, body, "application/json"), ApiKind.Admin, claims: null);

            Assert.Equal("TokenExpired", result.Reason);
            Assert.Equal("TokenExpired", result.ErrorCode);
        }

        [Fact]
        public void ThrottlingIsAWarningThatSaysWhenToComeBack()
        {
            var response = Response(429, """{"message":"You have exceeded the amount of requests"}""",
                "application/json");
            response.RetryAfter = TimeSpan.FromSeconds(3392);

            var result = Judge(response, ApiKind.Admin, claims: null);

            Assert.Equal(CheckStatus.Warning, result.Status);
            Assert.Equal("Throttled", result.Reason);
            Assert.Contains("3392 s", result.Message);
        }

        [Fact]
        public void ServerErrorWithAspNetBodyIsAServiceErrorNotAPermissionProblem()
        {
            var result = Judge(Response(500, """{"Message":"An error has occurred."}""", "application/json"),
                ApiKind.Public, null);

            Assert.Equal("ServiceError", result.Reason);
            Assert.Contains("not a permission problem", result.Message);
            Assert.Contains("An error has occurred.", result.Response);
        }

        [Fact]
        public void HtmlWhereJsonWasExpectedQuotesStatusContentTypeAndBody()
        {
            var html = "<!DOCTYPE html><html><head><title>Sign in</title></head><body>" + new string('x', 9000) +
                "</body></html>";

            var result = Judge(Response(200, html, "text/html"), ApiKind.Public, claims: null);

            Assert.Equal("UnexpectedResponse", result.Reason);
            Assert.Contains("text/html", result.Message);
            Assert.Equal(200, result.HttpStatus);
            Assert.StartsWith("<!DOCTYPE html>", result.Response);
            Assert.True(result.Response!.Length <= Verdicts.ResponseCharacters + 3);
        }

        [Fact]
        public void NoAnswerAtAllIsApiUnreachable()
        {
            var response = new ApiResponse(HttpMethod.Get, "groups?$top=100")
            {
                TransportFailure = new HttpRequestException("Name or service not known (api.test:443)"),
            };

            var result = Judge(response, ApiKind.Public, claims: null);

            Assert.Equal("ApiUnreachable", result.Reason);
            Assert.Null(result.HttpStatus);
            Assert.Contains("Name or service not known", result.Message);
        }

        [Fact]
        public void SecretsInABodyAreRedacted()
        {
            var redactor = new SecretRedactor();
            redactor.AddSecret("my-very-secret-value");
            var body = "{\"echo\":\"my-very-secret-value\",\"access_token\":\"abc.def.ghi\"}";

            var result = new CheckResult("WorkspacePermission", "t")
                .JudgeFailure(Response(500, body, "application/json"), ApiKind.Public, null, ApiBase, redactor);

            Assert.DoesNotContain("my-very-secret-value", result.Response);
            Assert.DoesNotContain("abc.def.ghi", result.Response);
        }

        private static CheckResult Judge(ApiResponse response, ApiKind kind, TokenClaims? claims)
        {
            return new CheckResult("WorkspacePermission", "t").JudgeFailure(response, kind, claims, ApiBase,
                new SecretRedactor());
        }

        private static ApiResponse Response(int status, string body, string contentType)
        {
            return new ApiResponse(HttpMethod.Get, "admin/groups?$top=100")
            {
                Status = status,
                RequestId = "req-1",
                ContentType = contentType,
                Body = Encoding.UTF8.GetBytes(body),
            };
        }
    }
}
