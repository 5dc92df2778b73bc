using System.Linq;
using Xunit;

namespace PbiPreflight.Tests
{
    /// <summary>
    /// The rehearsal a new PowerShell runs at import must walk the path of a healthy sign-in, or it compiles code
    /// the real check never runs and the first check is slow again without a word; and it must ask nothing of
    /// the network.
    /// </summary>
    public class SignInRehearsalTests
    {
        [Fact]
        public void RehearsalPassesTheCredentialCheckAndTheSecretsExpiry()
        {
            var results = SignInRehearsal.Run();

            Assert.Equal(new[] { CheckIds.CredentialScope, Checks.GraphChecks.Expiry }, results.Select(result => result.Check));
            Assert.All(results, result => Assert.Equal(CheckStatus.Passed, result.Status));
        }

        [Fact]
        public void RehearsalAsksItsOwnAnswersForBothTokensAndTheApplicationOnly()
        {
            var answers = new SignInRehearsal.ScriptedAnswers();

            SignInRehearsal.Run(answers);

            var requests = answers.Requests.OrderBy(request => request, System.StringComparer.Ordinal).ToArray();
            Assert.Equal(3, requests.Length);
            Assert.StartsWith("GET /v1.0/applications(appId=", requests[0], System.StringComparison.Ordinal);
            Assert.Equal("POST /00000000-0000-0000-0000-00000000000a/oauth2/v2.0/token", requests[1]);
            Assert.Equal(requests[1], requests[2]);
        }
    }
}
