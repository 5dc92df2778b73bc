using System;
using PbiPreflight.Checks;
using Xunit;

namespace PbiPreflight.Tests
{
    public class WorkspaceFilterTests
    {
        [Theory]
        [InlineData("Sales", "name eq 'Sales'")]
        [InlineData("Sales*", "startswith(name,'Sales')")]
        [InlineData("*EMEA", "endswith(name,'EMEA')")]
        [InlineData("*O'Brien*", "contains(name,'O''Brien')")]
        public void SimpleNamePatternsBecomeODataFilters(string pattern, string term)
        {
            var filter = Filter(request => request.WorkspaceNames = new[] { pattern });

            Assert.False(filter.FiltersLocally);
            Assert.Contains(Uri.EscapeDataString(term), filter.PublicListingPath(100));
            Assert.Contains(Uri.EscapeDataString(term), filter.AdminListingPath(100));
        }

        [Theory]
        [InlineData("Sa?es", "Sales")]
        [InlineData("Sales*EMEA", "Sales EMEA")]
        [InlineData("[SE]ales", "Eales")]
        public void PatternsODataCannotSayAreMatchedLocallyOnThePage(string pattern, string matchingName)
        {
            var filter = Filter(request => request.WorkspaceNames = new[] { pattern });

            Assert.True(filter.FiltersLocally);
            Assert.DoesNotContain("name", Uri.UnescapeDataString(filter.AdminListingPath(100)));
            Assert.True(filter.MatchesLocally(matchingName));
            Assert.False(filter.MatchesLocally("Finance"));
        }

        [Fact]
        public void NonAsciiNamesAreEscapedInTheFilterAndReadBackFromTheListing()
        {
            var filter = Filter(request => request.WorkspaceNames = new[] { "Продажи*" });
            var body = """{"value":[{"id":"3d9b93c6-0000-0000-0000-000000000001","name":"Продажи 販売 ✓"}]}""";
            var response = new Http.ApiResponse(System.Net.Http.HttpMethod.Get, "groups")
            {
                Status = 200,
                ContentType = "application/json; charset=utf-8",
                Body = System.Text.Encoding.UTF8.GetBytes(body),
            };

            var listing = WorkspaceListing.Read(response, 100, filter);

            Assert.DoesNotContain("Продажи", filter.PublicListingPath(100));
            Assert.Contains("startswith(name,'Продажи')", Uri.UnescapeDataString(filter.PublicListingPath(100)));
            Assert.Equal("Продажи 販売 ✓", Assert.Single(listing.Workspaces).Name);
        }

        [Fact]
        public void MixedPatternsAreAllMatchedLocallyWhenOneMustBe()
        {
            var filter = Filter(request => request.WorkspaceNames = new[] { "Sales*", "Fin?nce" });

            Assert.True(filter.FiltersLocally);
            Assert.True(filter.MatchesLocally("Sales EMEA"));
            Assert.True(filter.MatchesLocally("Finance"));
            Assert.False(filter.MatchesLocally("Marketing"));
        }

        [Fact]
        public void BacktickMakesAWildcardCharacterLiteral()
        {
            var filter = Filter(request => request.WorkspaceNames = new[] { "Sales`*" });

            Assert.False(filter.FiltersLocally);
            Assert.Contains("name eq 'Sales*'", Uri.UnescapeDataString(filter.AdminListingPath(100)));
        }

        [Theory]
        [InlineData("[abc")]
        [InlineData("[z-a]*")]
        public void MalformedPatternsAreParameterErrors(string pattern)
        {
            var request = EngineHarness.Request(PreflightChecks.WorkspacePermission);
            request.WorkspaceNames = new[] { pattern };

            var invalid = Assert.Throws<PreflightArgumentException>(() => PreflightRunner.Validate(request));
            Assert.Equal("InvalidWorkspaceName", invalid.ErrorId);
        }

        [Fact]
        public void IdsAndPersonalWorkspacesNarrowTheAdminListing()
        {
            var id = Guid.NewGuid();
            var filter = Filter(request =>
            {
                request.WorkspaceIds = new[] { id };
                request.ExcludePersonalWorkspaces = true;
            });

            var admin = Uri.UnescapeDataString(filter.AdminListingPath(100));
            Assert.Contains("state eq 'Active' and type eq 'Workspace' and (id eq '" + id + "')", admin);
            Assert.Contains("$top=100", admin);
            Assert.Contains("$expand=datasets", admin);
        }

        private static WorkspaceFilter Filter(Action<PreflightRequest> configure)
        {
            var request = EngineHarness.Request(PreflightChecks.WorkspacePermission);
            configure(request);
            return new WorkspaceFilter(request);
        }
    }
}
