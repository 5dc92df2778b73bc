using System;
using Xunit;

namespace PbiPreflight.Tests
{
    public class ArgumentValidationTests
    {
        private static readonly CloudEndpoints Public = CloudEndpoints.For(PbiEnvironment.Public);

        [Theory]
        [InlineData("not a tenant", "InvalidTenantId")]
        [InlineData("undefined", "InvalidTenantId")]
        [InlineData("", "MissingTenantId")]
        public void TenantMustBeAGuidOrADomain(string tenant, string errorId)
        {
            var error = Assert.Throws<PreflightArgumentException>(() => Options(tenant, Guid.NewGuid().ToString(),
                "s3cret"));

            Assert.Equal(errorId, error.ErrorId);
            Assert.Equal("TenantId", error.ParameterName);
        }

        [Theory]
        [InlineData("contoso.onmicrosoft.com")]
        [InlineData("11111111-2222-3333-4444-555555555555")]
        public void GuidsAndDomainsAreAccepted(string tenant)
        {
            Assert.Equal(tenant, Options(tenant, Guid.NewGuid().ToString(), "s3cret").TenantId);
        }

        [Theory]
        [InlineData("{11111111-2222-3333-4444-555555555555}")]
        [InlineData("11111111222233334444555555555555")]
        public void TenantGuidsAreSentInTheDashedForm(string tenant)
        {
            Assert.Equal(
                "11111111-2222-3333-4444-555555555555",
                Options(tenant, Guid.NewGuid().ToString(), "s3cret").TenantId);
        }

        [Fact]
        public void BlankSecretIsRefusedBeforeAnyNetworkCall()
        {
            var error = Assert.Throws<PreflightArgumentException>(() => Options("contoso.com",
                Guid.NewGuid().ToString(), "   "));

            Assert.Equal("EmptyClientSecret", error.ErrorId);
        }

        [Fact]
        public void HugeTenantValueIsNotEchoedWhole()
        {
            var error = Assert.Throws<PreflightArgumentException>(
                () => Options(new string('x', 100000), Guid.NewGuid().ToString(), "s3cret"));

            Assert.True(error.Message.Length < 400);
        }

        [Fact]
        public void ClientIdMustBeAGuid()
        {
            var error = Assert.Throws<PreflightArgumentException>(() => Options("contoso.com", "my-app", "s3cret"));

            Assert.Equal("InvalidClientId", error.ErrorId);
        }

        [Fact]
        public void EmptySecretIsRefusedWithoutEchoingAnything()
        {
            var error = Assert.Throws<PreflightArgumentException>(() => Options("contoso.com",
                Guid.NewGuid().ToString(), ""));

            Assert.Equal("EmptyClientSecret", error.ErrorId);
        }

        [Theory]
        [InlineData(null, "https://api.powerbi.com", "CustomEnvironmentRequiresUris")]
        [InlineData("https://login.microsoftonline.com", null, "CustomEnvironmentRequiresUris")]
        [InlineData("http://login.example", "https://api.powerbi.com", "InsecureCustomUri")]
        [InlineData("https://login.example", "http://api.example", "InsecureCustomUri")]
        [InlineData("https://login.example/tenant", "https://api.example", "CustomUriNotAnOrigin")]
        public void CustomCloudNeedsTwoHttpsOrigins(string? authority, string? api, string errorId)
        {
            var error = Assert.Throws<PreflightArgumentException>(() => CloudEndpoints.Custom(
                authority is null ? null : new Uri(authority),
                api is null ? null : new Uri(api),
                null));

            Assert.Equal(errorId, error.ErrorId);
        }

        [Theory]
        [InlineData(PbiEnvironment.Public, "login.microsoftonline.com", "analysis.windows.net")]
        [InlineData(PbiEnvironment.USGov, "login.microsoftonline.com", "analysis.usgovcloudapi.net")]
        [InlineData(PbiEnvironment.USGovHigh, "login.microsoftonline.us", "high.analysis.usgovcloudapi.net")]
        [InlineData(PbiEnvironment.USGovMil, "login.microsoftonline.us", "mil.analysis.usgovcloudapi.net")]
        [InlineData(PbiEnvironment.China, "login.chinacloudapi.cn", "analysis.chinacloudapi.cn")]
        public void NamedCloudsHaveTheirOwnAuthorityAndScope(PbiEnvironment environment, string authority, string scope)
        {
            var endpoints = CloudEndpoints.For(environment);

            Assert.Equal("https://" + authority + "/", endpoints.AuthorityHost.AbsoluteUri);
            Assert.Equal("https://" + scope + "/powerbi/api/.default", endpoints.DefaultScope);
        }

        [Fact]
        public void SampleLargerThanTheScannerTakesIsRefused()
        {
            var request = new PreflightRequest(Options("contoso.com", Guid.NewGuid().ToString(), "s3cret"),
                PreflightChecks.All)
            {
                SampleSize = 101,
            };

            Assert.Equal("InvalidSampleSize", Assert.Throws<PreflightArgumentException>(request.Validate).ErrorId);
        }

        private static ConnectionOptions Options(string tenant, string client, string secret)
        {
            return new ConnectionOptions(tenant, client, EngineHarness.Secure(secret), Public,
                TimeSpan.FromSeconds(10));
        }
    }
}
