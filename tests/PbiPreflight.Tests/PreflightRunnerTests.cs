using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static PbiPreflight.Tests.FakePowerBi;

namespace PbiPreflight.Tests
{
    public class PreflightRunnerTests
    {
        private const string WorkspaceA = "3d9b93c6-0000-0000-0000-000000000001";

        private const string PublicListing =
            "{\"@odata.count\":1,\"value\":[{\"id\":\"" + WorkspaceA +
                "\",\"name\":\"Finance\",\"type\":\"Workspace\"}]}";

        private const string AdminListing =
            "{\"@odata.count\":2,\"value\":[" +
            "{\"id\":\"" + WorkspaceA +
                "\",\"type\":\"Workspace\",\"state\":\"Active\",\"datasets\":[{\"id\":\"d1\"}]}," +
            "{\"id\":\"4d9b93c6-0000-0000-0000-000000000002\",\"type\":\"PersonalGroup\",\"state\":\"Active\"}]}";

        private const string ScanAccepted = """{"id":"e7d03602-0000-0000-0000-00000000000a","status":"NotStarted"}""";

        private const string ScanResultWithTables = $$"""
            {"workspaces":[{"id":"{{WorkspaceA}}","datasets":[{"id":"d1","name":"Sales",
              "datasourceUsages":[{"datasourceInstanceId":"s1"}],
              "tables":[{"name":"T","columns":[{"name":"C"}],
                         "measures":[{"name":"M","expression":"SUM(T[C])"}]}]}]}],
             "datasourceInstances":[{"datasourceType":"Sql","datasourceId":"s1"}]}
            """;

        private const string GroupA = "7f3a0000-0000-0000-0000-0000000000b1";

        private const string TenantSettings = $$"""
            {"value":[
              {"settingName":"ServicePrincipalAccessPermissionAPIs",
               "title":"Service principals can call Fabric public APIs","enabled":true},
              {"settingName":"AllowServicePrincipalsUseReadAdminAPIs",
               "title":"Service principals can access read-only admin APIs","enabled":true,
               "enabledSecurityGroups":[{"graphId":"{{GroupA}}","name":"sg-crawler"}]},
              {"settingName":"AdminApisIncludeDetailedMetadata",
               "title":"Enhance admin APIs responses with detailed metadata","enabled":true},
              {"settingName":"AdminApisIncludeExpressions",
               "title":"Enhance admin APIs responses with DAX and mashup expressions","enabled":true}]}
            """;

        private const string MemberOfA = "{\"value\":[{\"@odata.type\":\"#microsoft.graph.group\",\"id\":\"" +
            GroupA + "\"}]}";

        [Fact]
        public async Task HealthyTenantPassesEveryCheckInOrderWithOneTokenRequest()
        {
            var service = Healthy();

            var reporter = await EngineHarness.RunAsync(service, EngineHarness.Request(PreflightChecks.All));

            Assert.Equal(
                new[]
                {
                    "CredentialScope", "CredentialScope.Expiry",
                    "WorkspacePermission.PublicApi", "WorkspacePermission.AdminApi", "WorkspacePermission",
                    "TenantSettings", "TenantSettings.GroupMembership",
                    "MetadataScan.Scan", "MetadataScan.DetailedMetadata", "MetadataScan.Expressions",
                    "MetadataScan.Lineage", "MetadataScan", "Refreshables",
                },
                reporter.Results.Select(result => result.Check));
            Assert.All(reporter.Results, result => Assert.Equal((result.Check, CheckStatus.Passed), (result.Check,
                result.Status)));

            // One token for Power BI (the Fabric admin API takes it too) and one for Graph.
            Assert.Equal(2, service.Requests.Count(request => request.Contains("/oauth2/v2.0/token")));
            Assert.Equal(new[] { WorkspaceA }, reporter.Single("MetadataScan").Details["SampledWorkspaceIds"]);
        }

        [Fact]
        public async Task ScanPollingWaitsUntilSucceededAndHonoursRetryAfter()
        {
            var service = Healthy(scanStatuses: new[]
            {
                Json(200, "{\"id\":\"x\",\"status\":\"NotStarted\"}", ("Retry-After", "20")),
                Json(200, "{\"id\":\"x\",\"status\":\"Running\"}"),
                Json(200, "{\"id\":\"x\",\"status\":\"Succeeded\"}"),
            });
            var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            var started = clock.GetTimestamp();

            var reporter = await EngineHarness.RunAsync(service, EngineHarness.Request(PreflightChecks.All), clock);

            var scan = reporter.Single("MetadataScan");
            Assert.Equal(CheckStatus.Passed, scan.Status);
            Assert.Equal(3, scan.Details["StatusPolls"]);

            // The 20 s the service asked for were waited on the fake clock; the harness moves the clock in steps, so a
            // few seconds of slack are allowed, never another back-off cycle.
            var waited = clock.GetElapsedTime(started);
            Assert.InRange(waited, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30));
        }

        [Fact]
        public async Task SecretEndingWithinThirtyDaysIsAWarningThatNamesTheDate()
        {
            var service = new FakePowerBi()
                .On("applications(appId='" + ClientId + "')", Json(200,
                    Application(DateTimeOffset.UtcNow.AddDays(10))));

            var reporter = await EngineHarness.RunAsync(service,
                EngineHarness.Request(PreflightChecks.CredentialScope));

            var expiry = reporter.Single("CredentialScope.Expiry");
            Assert.Equal(CheckStatus.Passed, reporter.Single("CredentialScope").Status);
            Assert.Equal((CheckStatus.Warning, "SecretExpiresSoon"), (expiry.Status, expiry.Reason));
            Assert.InRange((int)expiry.Details["DaysLeft"]!, 9, 10);
            Assert.Contains("old", expiry.Message);
        }

        [Fact]
        public async Task GraphTokenIsAskedForBesideThePowerBiTokenWhenTheSecretIsChecked()
        {
            // Each token request waits (up to 5 s) for a second one to arrive; only requests sent together meet.
            using var secondArrived = new ManualResetEventSlim();
            var arrivals = 0;
            var met = new ConcurrentBag<bool>();
            var service = new FakePowerBi()
                .On("applications(appId='" + ClientId + "')", Json(200,
                    Application(DateTimeOffset.UtcNow.AddDays(100))));
            service.TokenReply = () =>
            {
                if (Interlocked.Increment(ref arrivals) == 2)
                {
                    secondArrived.Set();
                }

                met.Add(secondArrived.Wait(TimeSpan.FromSeconds(5)));
                return Json(200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"" +
                    Token(Array.Empty<string>()) + "\"}")();
            };

            var reporter = await EngineHarness.RunAsync(service,
                EngineHarness.Request(PreflightChecks.CredentialScope));

            Assert.Equal(2, arrivals);
            Assert.All(met, Assert.True);
            Assert.Equal("SecretValid", reporter.Single("CredentialScope.Expiry").Reason);
        }

        [Fact]
        public async Task WrongSecretIsRefusedForBothTokensAndOnlyThePowerBiRefusalIsReported()
        {
            var service = new FakePowerBi { TokenReply = Json(401, EntraErrorTests.CaseBody("C02")) };

            var reporter = await EngineHarness.RunAsync(service,
                EngineHarness.Request(PreflightChecks.CredentialScope));

            Assert.Equal("ClientSecretExpired", reporter.Single("CredentialScope").Reason);
            Assert.Equal(("Skipped", "CredentialScopeFailed"),
                (reporter.Single("CredentialScope.Expiry").Status.ToString(),
                    reporter.Single("CredentialScope.Expiry").Reason));
            Assert.Equal(2, service.Requests.Count(request => request.Contains("/oauth2/v2.0/token")));
            Assert.DoesNotContain(service.Requests, request => request.Contains("applications("));
        }

        [Theory]
        [InlineData(FakePowerBi.Secret + "\n", "InvalidClientSecret", "ends with whitespace")]
        [InlineData(" " + FakePowerBi.Secret, "InvalidClientSecret", "starts with whitespace")]
        [InlineData("\t" + FakePowerBi.Secret + " ", "InvalidClientSecret", "starts and ends with whitespace")]
        [InlineData(FakePowerBi.Secret, "InvalidClientSecret", null)]
        public async Task RefusedSecretWithWhitespaceAtItsEndsIsNamedForIt(string secret, string code, string? said)
        {
            var refusal = """
                {"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.",
                 "error_codes":[7000215]}
                """;
            var service = new FakePowerBi { TokenReply = Json(401, refusal) };

            var reporter = await EngineHarness.RunAsync(service,
                EngineHarness.Request(PreflightChecks.CredentialScope, secret));
            var result = reporter.Single("CredentialScope");

            Assert.Equal(CheckStatus.Failed, result.Status);
            Assert.Equal(said is null ? code : "ClientSecretHasWhitespace", result.Reason);
            if (said != null)
            {
                Assert.Contains(said, result.Message, StringComparison.Ordinal);
                Assert.DoesNotContain(secret.Trim(), result.Message + result.Remediation, StringComparison.Ordinal);
            }
        }

        [Fact]
        public async Task GraphWithoutPermissionSkipsItsSubChecksAndNamesThePermission()
        {
            var denied = """{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges"}}""";
            var service = new FakePowerBi()
                .On("groups", Json(200, PublicListing))
                .On("admin/groups", Json(200, AdminListing))
                .On("tenantsettings", Json(200, TenantSettings))
                .On("servicePrincipals(", Json(403, denied))
                .On("applications(", Json(403, denied));

            var request = EngineHarness.Request(PreflightChecks.CredentialScope | PreflightChecks.TenantSettings);
            var reporter = await EngineHarness.RunAsync(service, request);

            foreach (var check in new[] { "CredentialScope.Expiry", "TenantSettings.GroupMembership" })
            {
                var result = reporter.Single(check);
                Assert.Equal((CheckStatus.Skipped, "GraphPermissionMissing"), (result.Status, result.Reason));
                Assert.Contains("Application.Read.All", result.Message);
                Assert.Equal("Authorization_RequestDenied", result.ErrorCode);
            }
        }

        [Fact]
        public async Task MembershipOnlyThroughANestedGroupIsAWarning()
        {
            var nested = "{\"value\":[{\"@odata.type\":\"#microsoft.graph.group\",\"id\":\"" + GroupA + "\"}," +
                "{\"@odata.type\":\"#microsoft.graph.group\",\"id\":\"8e4b0000-0000-0000-0000-0000000000b2\"}]}";
            var direct = """{"value":[{"@odata.type":"#microsoft.graph.group","id":"8e4b0000-0000-0000-0000-000000""" +
                """0000b2"}]}""";
            var service = new FakePowerBi()
                .On("tenantsettings", Json(200, TenantSettings))
                .On("servicePrincipals(appId='" + ClientId + "')/memberOf", Json(200, direct))
                .On("servicePrincipals(appId='" + ClientId + "')/transitiveMemberOf", Json(200, nested));

            var reporter = await EngineHarness.RunAsync(service, EngineHarness.Request(PreflightChecks.TenantSettings));

            var membership = reporter.Single("TenantSettings.GroupMembership");
            Assert.Equal((CheckStatus.Warning, "NestedGroupMembershipOnly"), (membership.Status, membership.Reason));
            Assert.Equal("member through nesting", membership.Details["AllowServicePrincipalsUseReadAdminAPIs"]);
        }

        [Fact]
        public async Task DetailedMetadataSettingOffIsAWarningOfTheSettingsCheck()
        {
            var settings = TenantSettings.Replace(
                "detailed metadata\",\"enabled\":true",
                "detailed metadata\",\"enabled\":false");
            var service = new FakePowerBi()
                .On("tenantsettings", Json(200, settings))
                .On("servicePrincipals(", Json(200, MemberOfA), Json(200, MemberOfA));

            var reporter = await EngineHarness.RunAsync(service, EngineHarness.Request(PreflightChecks.TenantSettings));

            var result = reporter.Single("TenantSettings");
            Assert.Equal((CheckStatus.Warning, "MetadataSettingOff"), (result.Status, result.Reason));
            Assert.Contains("detailed metadata", result.Message);
        }

        [Fact]
        public async Task RefusedAdminApiIsTriedAgainWhileTheSettingPropagates()
        {
            var notAuthorized = "{\"error\":{\"code\":\"PowerBINotAuthorizedException\"}}";
            var service = new FakePowerBi()
                .On("groups", Json(200, PublicListing), Json(200, PublicListing), Json(200, PublicListing))
                .On("admin/groups", Json(401, notAuthorized), Json(401, notAuthorized), Json(200, AdminListing));
            var request = EngineHarness.Request(PreflightChecks.WorkspacePermission);
            request.WaitForPropagation = TimeSpan.FromMinutes(10);
            request.PropagationRetryInterval = TimeSpan.FromSeconds(60);

            var reporter = await EngineHarness.RunAsync(service, request);

            var summary = reporter.Single("WorkspacePermission");
            Assert.Equal(CheckStatus.Passed, summary.Status);
            Assert.Equal(3, summary.Details["Tries"]);

            // Each try asks for a new token: admission is decided when Power BI first sees one.
            Assert.Equal(3, service.Requests.Count(request => request.Contains("/oauth2/v2.0/token")));
        }

        [Fact]
        public async Task SecretEchoedInAScanErrorIsRedactedFromEveryField()
        {
            var service = Healthy(scanStatuses: new[]
            {
                Json(200, "{\"id\":\"x\",\"status\":\"Failed\",\"error\":{\"code\":\"" + Secret +
                    "\",\"message\":\"secret was " + Secret + "\"}}"),
            });

            var reporter = await EngineHarness.RunAsync(service, EngineHarness.Request(PreflightChecks.All));

            var scan = reporter.Single("MetadataScan.Scan");
            Assert.Equal("ScanFailed", scan.Reason);
            Assert.All(reporter.Results, result => Assert.DoesNotContain(Secret, Describe(result) + result.ErrorCode));
        }

        [Fact]
        public async Task RefusedTokenRenewalIsAVerdictNotACrash()
        {
            var service = Healthy(scanStatuses: new[]
            {
                Json(403, "{\"error\":{\"code\":\"TokenExpired\",\"message\":\"Access token has expired\"}}"),
            });
            var tokens = 0;
            service.TokenReply = () => ++tokens <= 2
                ? Json(200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"" +
                    Token(Array.Empty<string>()) + "\"}")()
                : Json(400, "{\"error\":\"invalid_client\",\"error_codes\":[7000222]}")();

            var reporter = await EngineHarness.RunAsync(service, EngineHarness.Request(PreflightChecks.All));

            Assert.Equal(13, reporter.Results.Count);
            Assert.Equal("TokenRenewalFailed", reporter.Single("MetadataScan.Scan").Reason);
            Assert.Contains("AADSTS7000222", reporter.Single("MetadataScan.Scan").Message);
        }

        [Fact]
        public async Task SettingsListWithoutTheSettingsThatMatterIsNotCalledOn()
        {
            var service = new FakePowerBi()
                .On("tenantsettings", Json(200,
                    """{"value":[{"settingName":"PublishToWeb","title":"Publish to web","enabled":true}]}"""));

            var reporter = await EngineHarness.RunAsync(service, EngineHarness.Request(PreflightChecks.TenantSettings));

            Assert.Equal((CheckStatus.Skipped, "TenantSettingsUnreadable"),
                (reporter.Single("TenantSettings").Status, reporter.Single("TenantSettings").Reason));
            Assert.Equal(CheckStatus.Skipped, reporter.Single("TenantSettings.GroupMembership").Status);
        }

        [Fact]
        public async Task SettingsAnswerThatIsAPageIsAWarning()
        {
            var service = new FakePowerBi()
                .On("tenantsettings", Raw(200, "<html><body>Sign in</body></html>", "text/html"));

            var reporter = await EngineHarness.RunAsync(service, EngineHarness.Request(PreflightChecks.TenantSettings));

            var result = reporter.Single("TenantSettings");
            Assert.Equal((CheckStatus.Warning, "UnexpectedResponse"), (result.Status, result.Reason));
        }

        [Fact]
        public async Task MembershipIsReadAcrossPages()
        {
            var second = "https://api.test/v1.0/servicePrincipals(appId='" + ClientId +
                "')/transitiveMemberOf?$skiptoken=2";
            var firstPage = """{"value":[{"@odata.type":"#microsoft.graph.group","id":"00000000-0000-0000-0000-000""" +
                """000000001"}],""" +
                "\"@odata.nextLink\":\"" + second + "\"}";
            var service = new FakePowerBi()
                .On("tenantsettings", Json(200, TenantSettings))
                .On("servicePrincipals(appId='" + ClientId + "')/memberOf", Json(200, MemberOfA))
                .On("servicePrincipals(appId='" + ClientId + "')/transitiveMemberOf", Json(200, firstPage), Json(200,
                    MemberOfA));

            var reporter = await EngineHarness.RunAsync(service, EngineHarness.Request(PreflightChecks.TenantSettings));

            Assert.Equal("GroupMembershipConfirmed", reporter.Single("TenantSettings.GroupMembership").Reason);
            Assert.Contains(service.Requests, request => request.Contains("skiptoken=2"));
        }

        [Fact]
        public async Task FilterThatMatchesNothingIsNotCalledAnEmptyTenant()
        {
            var service = new FakePowerBi()
                .On("groups", Json(200, "{\"@odata.count\":0,\"value\":[]}"))
                .On("admin/groups", Json(200, "{\"@odata.count\":0,\"value\":[]}"));
            var request = EngineHarness.Request(PreflightChecks.WorkspacePermission);
            request.WorkspaceNames = new[] { "O'Brien*" };

            var reporter = await EngineHarness.RunAsync(service, request);

            Assert.Equal("NoWorkspacesMatchFilter", reporter.Single("WorkspacePermission").Reason);
        }

        [Fact]
        public async Task RetryAfterWithinTheCheckBudgetIsWaitedFor()
        {
            var service = new FakePowerBi()
                .On("groups", Json(200, PublicListing))
                .On("admin/groups", Json(429, """{"message":"Retry in 60 seconds."}""", ("Retry-After", "60")),
                    Json(200, AdminListing));
            var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            var started = clock.GetUtcNow();

            var reporter = await EngineHarness.RunAsync(service,
                EngineHarness.Request(PreflightChecks.WorkspacePermission), clock);

            Assert.Equal(CheckStatus.Passed, reporter.Single("WorkspacePermission").Status);
            Assert.True(clock.GetUtcNow() - started >= TimeSpan.FromSeconds(60));
        }

        [Fact]
        public async Task CheckThatOutrunsItsBudgetEndsWithThatReasonAndTheOthersGoOn()
        {
            var service = Healthy();
            service.Hanging.Add("admin/capacities/refreshables");
            var request = EngineHarness.Request(PreflightChecks.All);
            request.CheckBudget = TimeSpan.FromSeconds(10);

            var reporter = await EngineHarness.RunAsync(service, request);

            var refreshables = reporter.Single("Refreshables");
            Assert.Equal((CheckStatus.Failed, "CheckTimedOut"), (refreshables.Status, refreshables.Reason));
            Assert.Equal(CheckStatus.Passed, reporter.Single("MetadataScan").Status);
            Assert.Equal(13, reporter.Results.Count);
        }

        [Fact]
        public async Task RetryAfterOfZeroDoesNotTurnPollingIntoAFlood()
        {
            var running = Enumerable.Range(0, 500)
                .Select(_ => Json(200, "{\"id\":\"x\",\"status\":\"Running\"}", ("Retry-After", "0")))
                .ToArray();
            var request = EngineHarness.Request(PreflightChecks.All);
            request.ScanTimeout = TimeSpan.FromSeconds(30);

            var reporter = await EngineHarness.RunAsync(Healthy(scanStatuses: running), request);

            Assert.Equal("ScanTimedOut", reporter.Single("MetadataScan").Reason);
            Assert.InRange((int)reporter.Single("MetadataScan").Details["StatusPolls"]!, 5, 40);
        }

        [Fact]
        public async Task ScanThatReturnsNoneOfTheWorkspacesIsAWarning()
        {
            var service = Healthy(scanResult: "{\"workspaces\":[]}");

            var reporter = await EngineHarness.RunAsync(service, EngineHarness.Request(PreflightChecks.All));

            var scan = reporter.Single("MetadataScan");
            Assert.Equal(CheckStatus.Warning, scan.Status);
            Assert.Equal("ScanReturnedNothing", scan.Reason);
        }

        [Fact]
        public async Task ListingOfGarbageIsNotMistakenForAnEmptyTenant()
        {
            var service = new FakePowerBi()
                .On("groups", Json(200, "{\"value\":[1,\"x\",null,{\"id\":12}],\"@odata.count\":\"many\"}"))
                .On("admin/groups", Json(200, "{\"value\":[{\"id\":\"not-a-guid\"}],\"@odata.count\":-5}"));

            var reporter = await EngineHarness.RunAsync(service,
                EngineHarness.Request(PreflightChecks.WorkspacePermission));

            var result = reporter.Single("WorkspacePermission");
            Assert.Equal(CheckStatus.Failed, result.Status);
            Assert.Equal("UnexpectedResponse", result.Reason);
            Assert.DoesNotContain("failed too (200)", result.Message);
        }

        [Fact]
        public async Task SecretStraddlingTheCutOfAResponseIsStillRedacted()
        {
            // The secret starts a few characters before the cut, so cutting first would keep its first half.
            var body = "{\"error\":{\"code\":\"InvalidRequest\",\"message\":\"" +
                new string('a', 4096 - 50) + Secret + "\"}}";
            var service = new FakePowerBi()
                .On("groups", Json(400, body))
                .On("admin/groups", Json(400, body));

            var reporter = await EngineHarness.RunAsync(service,
                EngineHarness.Request(PreflightChecks.WorkspacePermission));

            var response = reporter.Single("WorkspacePermission").Response!;
            Assert.DoesNotContain(Secret.Substring(0, 12), response);
            Assert.Contains(SecretRedactor.Mask, response);
        }

        [Fact]
        public async Task CancellationEndsTheRunDuringScanPolling()
        {
            var running = Enumerable.Range(0, 500).Select(_ => Json(200,
                """{"id":"x","status":"Running"}""")).ToArray();
            var service = Healthy(scanStatuses: running);
            var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            using var stopping = new System.Threading.CancellationTokenSource();
            using var transport = new Http.HttpTransport(service);
            var reporter = new RecordingReporter();

            var run = PreflightRunner.RunAsync(
                EngineHarness.Request(PreflightChecks.All), transport, reporter, clock, stopping.Token, TimeSpan.Zero);
            while (!service.Requests.Any(request => request.Contains("scanStatus")))
            {
                await Task.WhenAny(run, Task.Delay(2));
                clock.Advance(TimeSpan.FromMilliseconds(250));
            }

            var pollsAtStop = service.Requests.Count;
            stopping.Cancel();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
            clock.Advance(TimeSpan.FromMinutes(5));
            Assert.Equal(pollsAtStop, service.Requests.Count);
        }

        [Fact]
        public async Task ScanThatNeverFinishesTimesOutAsAFailureThatSaysItWasStillRunning()
        {
            var running = Enumerable.Range(0, 200).Select(_ => Json(200,
                """{"id":"x","status":"Running"}""")).ToArray();
            var service = Healthy(scanStatuses: running);
            var request = EngineHarness.Request(PreflightChecks.All);
            request.ScanTimeout = TimeSpan.FromSeconds(30);

            var reporter = await EngineHarness.RunAsync(service, request);

            var scan = reporter.Single("MetadataScan");
            Assert.Equal(CheckStatus.Failed, scan.Status);
            Assert.Equal("ScanTimedOut", scan.Reason);
            Assert.Contains("Running", scan.Message);
            Assert.InRange((int)scan.Details["StatusPolls"]!, 5, 20);
        }

        [Fact]
        public async Task FailedScanCarriesTheServiceErrorCode()
        {
            var service = Healthy(scanStatuses: new[]
            {
                Json(200, """{"id":"x","status":"Failed","error":{"code":"ScanFailedOnCluster","message":"Boom"}}"""),
            });

            var reporter = await EngineHarness.RunAsync(service, EngineHarness.Request(PreflightChecks.All));

            var scan = reporter.Single("MetadataScan");
            Assert.Equal(CheckStatus.Failed, scan.Status);
            Assert.Equal("ScanFailed", scan.Reason);
            Assert.Equal("ScanFailedOnCluster", scan.ErrorCode);
            Assert.Equal(CheckStatus.Passed, reporter.Single("Refreshables").Status);
        }

        [Fact]
        public async Task ScanWithoutTablesWarnsAboutTheDetailedMetadataSetting()
        {
            var service = Healthy(scanResult: "{\"workspaces\":[{\"id\":\"" + WorkspaceA +
                "\",\"datasets\":[{\"id\":\"d1\"}]}]}");

            var reporter = await EngineHarness.RunAsync(service, EngineHarness.Request(PreflightChecks.All));

            var scan = reporter.Single("MetadataScan");
            Assert.Equal(CheckStatus.Warning, scan.Status);
            Assert.Equal("DetailedMetadataMissing", scan.Reason);
            Assert.Contains("Enhance admin APIs responses with detailed metadata", scan.Remediation);
        }

        [Fact]
        public async Task TransientServerErrorsAreRetriedBeforeTheyCount()
        {
            var service = new FakePowerBi()
                .On("groups", Json(503, "{}"), Json(500, """{"Message":"An error has occurred."}"""), Json(200,
                    PublicListing))
                .On("admin/groups", Json(200, AdminListing));

            var reporter = await EngineHarness.RunAsync(service,
                EngineHarness.Request(PreflightChecks.WorkspacePermission));

            Assert.Equal(CheckStatus.Passed, reporter.Single("WorkspacePermission").Status);
            Assert.Equal(3, service.Requests.Count(request => request.Contains("/myorg/groups")));
        }

        [Fact]
        public async Task LongRetryAfterIsNotSleptThrough()
        {
            var service = new FakePowerBi()
                .On("groups", Json(200, PublicListing))
                .On("admin/groups", Json(429, "{\"message\":\"Retry in 3392 seconds.\"}", ("Retry-After", "3392")));

            var reporter = await EngineHarness.RunAsync(
                service,
                EngineHarness.Request(PreflightChecks.WorkspacePermission),
                maxFakeTime: TimeSpan.FromSeconds(5));

            var result = reporter.Single("WorkspacePermission");
            Assert.Equal(CheckStatus.Warning, result.Status);
            Assert.Equal("Throttled", result.Reason);
            Assert.Single(service.Requests, request => request.Contains("admin/groups"));
        }

        [Fact]
        public async Task RefusedSecretSkipsTheLaterChecksWithTheReason()
        {
            var service = new FakePowerBi { TokenReply = Json(401, EntraErrorTests.CaseBody("C02")) };

            var reporter = await EngineHarness.RunAsync(service, EngineHarness.Request(PreflightChecks.All));

            var credential = reporter.Single("CredentialScope");
            Assert.Equal(CheckStatus.Failed, credential.Status);
            Assert.Equal("ClientSecretExpired", credential.Reason);
            Assert.Equal("AADSTS7000222", credential.ErrorCode);
            Assert.Equal(401, credential.HttpStatus);
            Assert.Equal("7ace0002-0000-4000-8000-00007ace0002", credential.TraceId);
            Assert.Equal("c0de0002-0000-4000-8000-0000c0de0002", credential.CorrelationId);
            Assert.All(
                reporter.Results.Skip(1),
                result => Assert.Equal(("Skipped", "CredentialScopeFailed"), (result.Status.ToString(),
                    result.Reason)));
            Assert.DoesNotContain(service.Requests, request => request.Contains("/myorg/"));
        }

        [Fact]
        public async Task HtmlFromAProxyAtTheTokenEndpointIsNotCalledUnreachable()
        {
            var service = new FakePowerBi { TokenReply = Raw(502, "<html><body>Bad gateway</body></html>",
                "text/html") };

            var reporter = await EngineHarness.RunAsync(service,
                EngineHarness.Request(PreflightChecks.CredentialScope));

            var result = reporter.Single("CredentialScope");
            Assert.Equal(CheckStatus.Failed, result.Status);
            Assert.Equal("UnexpectedAuthorityResponse", result.Reason);
            Assert.Equal(502, result.HttpStatus);
            Assert.Contains("Bad gateway", result.Response);
        }

        [Fact]
        public async Task WorkspaceCheckAloneCarriesTheCredentialVerdict()
        {
            var service = new FakePowerBi { TokenReply = Json(401,
                """{"error":"invalid_client","error_codes":[7000215]}""") };

            var reporter = await EngineHarness.RunAsync(service,
                EngineHarness.Request(PreflightChecks.WorkspacePermission));

            Assert.Equal(
                new[] { "WorkspacePermission.PublicApi", "WorkspacePermission.AdminApi", "WorkspacePermission" },
                reporter.Results.Select(result => result.Check));
            Assert.Equal("InvalidClientSecret", reporter.Single("WorkspacePermission").Reason);
            Assert.Equal("CredentialScopeFailed", reporter.Single("WorkspacePermission.PublicApi").Reason);
        }

        [Fact]
        public async Task TokenWithPowerBiApplicationPermissionsIsFlaggedAndExplainsTheRefusal()
        {
            var service = Healthy();
            service.Roles = new[] { "Tenant.Read.All" };
            service.On("admin/groups", Json(401, "")).On("admin/workspaces/getInfo", Json(401, ""));

            var reporter = await EngineHarness.RunAsync(service, EngineHarness.Request(PreflightChecks.All));

            Assert.Equal("AdminConsentPermissionsPresent", reporter.Single("CredentialScope").Reason);
            Assert.Equal(CheckStatus.Warning, reporter.Single("CredentialScope").Status);
        }

        [Fact]
        public async Task NoSecretOrTokenAppearsInAnyResultOrLine()
        {
            var service = Healthy();

            var reporter = await EngineHarness.RunAsync(service, EngineHarness.Request(PreflightChecks.All));

            var token = Token(Array.Empty<string>());
            var everything = string.Join("\n", reporter.Lines) + string.Join("\n", reporter.Results.Select(Describe));
            Assert.DoesNotContain(Secret, everything);
            Assert.DoesNotContain(token, everything);
            Assert.DoesNotContain(token.Split('.')[1], everything);
        }

        private static string Application(DateTimeOffset secretEnds)
        {
            return "{\"id\":\"c1d2\",\"appId\":\"" + ClientId + "\",\"passwordCredentials\":[" +
                "{\"displayName\":\"crawler\",\"keyId\":\"k1\",\"hint\":\"" + Secret.Substring(0, 3) + "\"," +
                "\"endDateTime\":\"" + secretEnds.UtcDateTime.ToString("o") + "\"}," +
                """{"displayName":"old","keyId":"k0","hint":"zzz","endDateTime":"2020-01-01T00:00:00Z"}],""" +
                "\"keyCredentials\":[]}";
        }

        private static string Describe(CheckResult result)
        {
            return string.Join(
                "|",
                result.ToString(),
                result.Message,
                result.Response,
                result.Remediation,
                result.Details.ToString());
        }

        private static FakePowerBi Healthy(
            Func<System.Net.Http.HttpResponseMessage>[]? scanStatuses = null,
            string scanResult = ScanResultWithTables)
        {
            return new FakePowerBi()
                .On("groups", Json(200, PublicListing))
                .On("admin/groups", Json(200, AdminListing))
                .On("admin/workspaces/getInfo", Json(202, ScanAccepted))
                .On("admin/workspaces/scanStatus/", scanStatuses ?? new[] { Json(200,
                    """{"id":"x","status":"Succeeded"}""") })
                .On("admin/workspaces/scanResult/", Json(200, scanResult))
                .On("admin/capacities/refreshables", Json(200,
                    """{"value":[{"id":"5a000000-0000-0000-0000-0000000000d1","name":"Sales"}]}"""))
                .On("tenantsettings", Json(200, TenantSettings))
                .On("servicePrincipals(appId='" + ClientId + "')/memberOf", Json(200, MemberOfA))
                .On("servicePrincipals(appId='" + ClientId + "')/transitiveMemberOf", Json(200, MemberOfA))
                .On("applications(appId='" + ClientId + "')", Json(200,
                    Application(DateTimeOffset.UtcNow.AddDays(200))));
        }
    }
}
