using System;
using System.Linq;
using PbiPreflight.Diagnosis;
using Xunit;

namespace PbiPreflight.Tests
{
    /// <summary>
    /// The addresses of each cloud against api-facts section 4, the portal of each cloud, and the links the
    /// results carry to the page where a fix is made.
    /// </summary>
    public class SovereignCloudTests
    {
        private const string AppId = "aaaaaaaa-0000-0000-0000-000000000001";

        private const string AppBlade = "#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/";

        [Theory]
        [InlineData(PbiEnvironment.Public, "https://login.microsoftonline.com", "https://api.powerbi.com",
            "https://analysis.windows.net/powerbi/api")]
        [InlineData(PbiEnvironment.USGov, "https://login.microsoftonline.com", "https://api.powerbigov.us",
            "https://analysis.usgovcloudapi.net/powerbi/api")]
        [InlineData(PbiEnvironment.USGovHigh, "https://login.microsoftonline.us", "https://api.high.powerbigov.us",
            "https://high.analysis.usgovcloudapi.net/powerbi/api")]
        [InlineData(PbiEnvironment.USGovMil, "https://login.microsoftonline.us", "https://api.mil.powerbigov.us",
            "https://mil.analysis.usgovcloudapi.net/powerbi/api")]
        [InlineData(PbiEnvironment.China, "https://login.chinacloudapi.cn", "https://api.powerbi.cn",
            "https://analysis.chinacloudapi.cn/powerbi/api")]
        public void CloudAddressesAreThoseOfApiFacts(PbiEnvironment environment, string authority, string api,
            string resource)
        {
            var endpoints = CloudEndpoints.For(environment);

            Assert.Equal(environment, endpoints.Environment);
            Assert.Equal(authority, endpoints.AuthorityHost.GetLeftPart(UriPartial.Authority));
            Assert.Equal("/", endpoints.AuthorityHost.AbsolutePath);
            Assert.Equal(api, endpoints.ApiBaseUri.GetLeftPart(UriPartial.Authority));
            Assert.Equal("/", endpoints.ApiBaseUri.AbsolutePath);
            Assert.Equal(resource, endpoints.ResourceUri.AbsoluteUri.TrimEnd('/'));
            Assert.Equal(resource + "/.default", endpoints.DefaultScope);
            Assert.True(endpoints.IsWellKnownCloud);
        }

        [Fact]
        public void EveryNamedCloudIsInTheTable()
        {
            // A new cloud in the enum must get a row above and in api-facts before it ships.
            var named = Enum.GetValues<PbiEnvironment>().Where(environment => environment != PbiEnvironment.Custom);

            Assert.Equal(
                new[]
                {
                    PbiEnvironment.Public, PbiEnvironment.USGov, PbiEnvironment.USGovHigh, PbiEnvironment.USGovMil,
                    PbiEnvironment.China,
                },
                named);
        }

        [Fact]
        public void CustomNeedsItsOwnAddresses()
        {
            var error = Assert.Throws<PreflightArgumentException>(() => CloudEndpoints.For(PbiEnvironment.Custom));

            Assert.Equal("CustomEnvironmentRequiresUris", error.ErrorId);
            Assert.Equal("Environment", error.ParameterName);
        }

        [Theory]
        [InlineData(PbiEnvironment.Public, "https://portal.azure.com/")]
        [InlineData(PbiEnvironment.USGov, "https://portal.azure.com/")]
        [InlineData(PbiEnvironment.USGovHigh, "https://portal.azure.us/")]
        [InlineData(PbiEnvironment.USGovMil, "https://portal.azure.us/")]
        [InlineData(PbiEnvironment.China, "https://portal.azure.cn/")]
        public void EachCloudHasItsPortal(PbiEnvironment environment, string portal)
        {
            Assert.Equal(new Uri(portal), CloudEndpoints.For(environment).PortalUri);
        }

        [Fact]
        public void CustomHostsHaveNoPortal()
        {
            Assert.Null(Custom().PortalUri);
            Assert.False(Custom().IsWellKnownCloud);
        }

        [Theory]
        [InlineData("https://analysis.windows.net/powerbi/api", PbiEnvironment.Public)]
        [InlineData("https://analysis.windows.net/powerbi/api/", PbiEnvironment.Public)]
        [InlineData("HTTPS://ANALYSIS.WINDOWS.NET/POWERBI/API", PbiEnvironment.Public)]
        [InlineData("https://analysis.usgovcloudapi.net/powerbi/api", PbiEnvironment.USGov)]
        [InlineData("https://high.analysis.usgovcloudapi.net/powerbi/api", PbiEnvironment.USGovHigh)]
        [InlineData("https://mil.analysis.usgovcloudapi.net/powerbi/api", PbiEnvironment.USGovMil)]
        [InlineData("https://analysis.chinacloudapi.cn/powerbi/api", PbiEnvironment.China)]
        public void ResourceNamesItsCloud(string resource, PbiEnvironment environment)
        {
            Assert.Equal(environment, CloudEndpoints.EnvironmentOfResource(resource));
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("00000009-0000-0000-c000-000000000000")]
        [InlineData("https://graph.microsoft.com")]
        [InlineData("https://analysis.windows.net")]
        [InlineData("https://analysis.windows.net/powerbi/api/.default")]
        [InlineData("https://analysis.cloudapi.de/powerbi/api")]
        public void OtherAudiencesNameNoCloud(string? resource)
        {
            Assert.Null(CloudEndpoints.EnvironmentOfResource(resource));
        }

        [Theory]
        [InlineData(PbiEnvironment.Public, "https://portal.azure.com/")]
        [InlineData(PbiEnvironment.USGov, "https://portal.azure.com/")]
        [InlineData(PbiEnvironment.USGovHigh, "https://portal.azure.us/")]
        [InlineData(PbiEnvironment.USGovMil, "https://portal.azure.us/")]
        [InlineData(PbiEnvironment.China, "https://portal.azure.cn/")]
        public void EveryPageLinksIntoTheCloudsPortal(PbiEnvironment environment, string portal)
        {
            var endpoints = CloudEndpoints.For(environment);
            var app = "/appId/" + AppId;

            Assert.Equal(portal + AppBlade + "Credentials" + app,
                PortalLinks.For(PortalPage.AppCredentials, endpoints, AppId));
            Assert.Equal(portal + AppBlade + "Authentication" + app,
                PortalLinks.For(PortalPage.AppAuthentication, endpoints, AppId));
            Assert.Equal(portal + AppBlade + "CallAnAPI" + app,
                PortalLinks.For(PortalPage.AppPermissions, endpoints, AppId));
            Assert.Equal(portal + AppBlade + "Overview" + app,
                PortalLinks.For(PortalPage.AppOverview, endpoints, AppId));
            Assert.Equal(portal + "#view/Microsoft_AAD_ConditionalAccess/ConditionalAccessBlade/~/Policies",
                PortalLinks.For(PortalPage.ConditionalAccess, endpoints, AppId));
            Assert.Equal(portal + "#view/Microsoft_AAD_UsersAndTenants/UserManagementMenuBlade/~/AllUsers",
                PortalLinks.For(PortalPage.Users, endpoints, AppId));
            Assert.Null(PortalLinks.For(PortalPage.None, endpoints, AppId));
        }

        [Theory]
        [InlineData("AppCredentials")]
        [InlineData("AppAuthentication")]
        [InlineData("AppPermissions")]
        [InlineData("AppOverview")]
        public void AppPagesWithoutAnAppLinkToThePortalHome(string pageName)
        {
            // The page enum is internal, so the theory names it.
            var page = Enum.Parse<PortalPage>(pageName);
            var endpoints = CloudEndpoints.For(PbiEnvironment.USGovHigh);

            Assert.Equal("https://portal.azure.us/", PortalLinks.For(page, endpoints, null));
            Assert.Equal("https://portal.azure.us/", PortalLinks.For(page, endpoints, string.Empty));
        }

        [Fact]
        public void EveryPageOfEveryNamedCloudIsAnHttpsLinkOnItsPortal()
        {
            var pages = Enum.GetValues<PortalPage>().Where(page => page != PortalPage.None).ToList();
            foreach (var environment in Enum.GetValues<PbiEnvironment>().Where(cloud => cloud != PbiEnvironment.Custom))
            {
                var endpoints = CloudEndpoints.For(environment);
                Assert.All(pages, page =>
                {
                    var link = new Uri(PortalLinks.For(page, endpoints, AppId)!);
                    Assert.Equal(Uri.UriSchemeHttps, link.Scheme);
                    Assert.Equal(endpoints.PortalUri!.Host, link.Host);
                });
            }
        }

        [Fact]
        public void CustomHostsGetNoLinks()
        {
            Assert.All(Enum.GetValues<PortalPage>(), page => Assert.Null(PortalLinks.For(page, Custom(), AppId)));
        }

        [Fact]
        public void AppIdIsEscapedInTheLink()
        {
            var link = PortalLinks.For(PortalPage.AppOverview, CloudEndpoints.For(PbiEnvironment.Public), "a/b c#d");

            Assert.EndsWith("/appId/a%2Fb%20c%23d", link, StringComparison.Ordinal);
        }

        private static CloudEndpoints Custom()
        {
            return CloudEndpoints.Custom(new Uri("https://login.test"), new Uri("https://api.test"), null);
        }
    }
}
