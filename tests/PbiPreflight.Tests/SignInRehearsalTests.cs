using System;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace PbiPreflight.Tests
{
    /// <summary>
    /// The rehearsal a new PowerShell runs at import must walk the path of a healthy sign-in, or it compiles code
    /// the real check never runs and the first check is slow again without a word; and it must ask its own answers
    /// and nothing else. That it works inside the module as loaded (its own load context, the native engine) is
    /// tested in tests/Pester/Module.Tests.ps1.
    /// </summary>
    public class SignInRehearsalTests
    {
        [Fact]
        public async Task RehearsalPassesTheCredentialCheckAndTheSecretsExpiry()
        {
            var results = await SignInRehearsal.RunAsync();

            var expected = new[] { CheckIds.CredentialScope, Checks.GraphChecks.Expiry };
            Assert.Equal(expected, results.Select(result => result.Check));
            Assert.All(results, result => Assert.Equal(CheckStatus.Passed, result.Status));
        }

        [Fact]
        public async Task RehearsalAsksItsOwnAnswersForBothTokensAndTheApplicationOnly()
        {
            var answers = new SignInRehearsal.ScriptedAnswers();

            await SignInRehearsal.RunAsync(answers);

            var requests = answers.Requests.OrderBy(request => request, StringComparer.Ordinal).ToArray();
            Assert.Equal(3, requests.Length);
            Assert.StartsWith("GET /v1.0/applications(appId=", requests[0], StringComparison.Ordinal);
            Assert.Equal("POST /00000000-0000-0000-0000-00000000000a/oauth2/v2.0/token", requests[1]);
            Assert.Equal(requests[1], requests[2]);
        }
    }
}
