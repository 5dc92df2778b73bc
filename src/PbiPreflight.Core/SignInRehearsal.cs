using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Security;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using PbiPreflight.Http;

namespace PbiPreflight
{
    /// <summary>
    /// Runs the credential check once against answers held in memory, so that the first real check of a session
    /// finds its code already compiled. A new PowerShell compiles on first use every generic instantiation of
    /// MSAL's and the engine's asynchronous methods and System.Text.Json's readers for MSAL's types, which the
    /// engine's ahead-of-time image, as the build compiles it, does not hold (they are the framework's generics
    /// over our types); the first sign-in spent about 80 ms on that after the token came back, while the person
    /// waits. Started in the background when the module is imported, the rehearsal does that work while
    /// PowerShell is still busy importing and binding, and while the real token is on the wire.
    /// </summary>
    /// <remarks>
    /// Nothing leaves the process: every request is answered by <see cref="ScriptedAnswers"/>, under a host in the
    /// reserved <c>.invalid</c> domain that no resolver answers for, with a client id, tenant and secret that name
    /// nothing. The answers follow a healthy tenant, so the rehearsal walks the path a healthy sign-in takes; a
    /// failing sign-in still compiles the rest of its path on first use. The price is some CPU time and memory in
    /// every session that imports the module, whether it runs a check or not.
    /// </remarks>
    internal static class SignInRehearsal
    {
        private const string Tenant = "00000000-0000-0000-0000-00000000000a";

        private const string Application = "00000000-0000-0000-0000-00000000000b";

        private static readonly Uri Host = new Uri("https://sign-in-rehearsal.invalid/");

        /// <summary>
        /// Runs the rehearsal and returns its results, which nobody needs but the tests: they show the rehearsal
        /// still walks the healthy path. Never throws; a rehearsal that fails has only failed to save time.
        /// </summary>
        public static async Task<IReadOnlyList<CheckResult>> RunAsync(ScriptedAnswers? answers = null)
        {
            var reporter = new CollectingReporter();
            try
            {
                // Entra ID's hint is the first three characters of a secret; the expiry check matches on it.
                var secretText = Guid.NewGuid().ToString("N");
                answers ??= new ScriptedAnswers();
                answers.SecretHint = secretText.Substring(0, 3);

                using var secret = ReadOnlySecret(secretText);
                var connection = new ConnectionOptions(
                    Tenant,
                    Application,
                    secret,
                    CloudEndpoints.Custom(Host, Host, null),
                    TimeSpan.FromSeconds(30));
                var request = new PreflightRequest(connection, PreflightChecks.CredentialScope);
                using var transport = new HttpTransport(answers);
                await PreflightRunner
                    .RunAsync(request, transport, reporter, TimeProvider.System, CancellationToken.None)
                    .ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Only time was at stake; the real run meets and reports whatever went wrong here.
            }

            return reporter.Results;
        }

        private static SecureString ReadOnlySecret(string text)
        {
            var secret = new SecureString();
            foreach (var character in text)
            {
                secret.AppendChar(character);
            }

            secret.MakeReadOnly();
            return secret;
        }

        /// <summary>
        /// Answers the requests of a healthy sign-in: a token for the Power BI API, and an application whose one
        /// secret is valid for years. Counts what it was asked, for the tests.
        /// </summary>
        internal sealed class ScriptedAnswers : HttpMessageHandler
        {
            private readonly List<string> requests = new List<string>();

            /// <summary>The first characters of the secret in use, as Entra ID shows them.</summary>
            public string SecretHint { get; set; } = string.Empty;

            /// <summary>The method and path of each request, in the order they came.</summary>
            public IReadOnlyList<string> Requests
            {
                get
                {
                    lock (requests)
                    {
                        return requests.ToArray();
                    }
                }
            }

            protected override Task<HttpResponseMessage> SendAsync(
                HttpRequestMessage request,
                CancellationToken cancellationToken)
            {
                lock (requests)
                {
                    requests.Add(request.Method.Method + " " + request.RequestUri?.AbsolutePath);
                }

                var body = request.Method == HttpMethod.Post ? TokenResponse() : ApplicationResponse(SecretHint);
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/json"),
                    RequestMessage = request,
                });
            }

            private static string TokenResponse()
            {
                // An unsigned token: the engine reads claims, it never verifies a signature.
                var header = Base64Url(new JsonObject { ["typ"] = "JWT", ["alg"] = "none" });
                var claims = Base64Url(new JsonObject
                {
                    ["aud"] = CloudEndpoints.PublicResource,
                    ["iss"] = "https://sts.windows.net/" + Tenant + "/",
                    ["tid"] = Tenant,
                    ["appid"] = Application,
                    ["oid"] = Application,
                    ["idtyp"] = "app",
                    ["ver"] = "1.0",
                    ["exp"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(),
                });
                return new JsonObject
                {
                    ["token_type"] = "Bearer",
                    ["expires_in"] = 3599,
                    ["ext_expires_in"] = 3599,
                    ["access_token"] = header + "." + claims + ".",
                }.ToJsonString();
            }

            private static string ApplicationResponse(string secretHint)
            {
                var endsOn = DateTimeOffset.UtcNow.AddYears(2);
                var secret = new JsonObject
                {
                    ["keyId"] = Application,
                    ["displayName"] = "rehearsal",
                    ["hint"] = secretHint,
                    ["endDateTime"] = endsOn.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                };
                return new JsonObject
                {
                    ["id"] = Application,
                    ["appId"] = Application,
                    ["displayName"] = "rehearsal",
                    ["keyCredentials"] = new JsonArray(),
                    ["passwordCredentials"] = new JsonArray(secret),
                }.ToJsonString();
            }

            private static string Base64Url(JsonObject json)
            {
                return Convert.ToBase64String(Encoding.UTF8.GetBytes(json.ToJsonString())).TrimEnd('=')
                    .Replace('+', '-')
                    .Replace('/', '_');
            }
        }

        private sealed class CollectingReporter : IPreflightReporter
        {
            private readonly List<CheckResult> results = new List<CheckResult>();

            public IReadOnlyList<CheckResult> Results
            {
                get
                {
                    lock (results)
                    {
                        return results.ToArray();
                    }
                }
            }

            public void Verbose(string message)
            {
            }

            public void Debug(string message)
            {
            }

            public void Warning(string message)
            {
            }

            public void Progress(string status, int percent)
            {
            }

            public void Result(CheckResult result)
            {
                lock (results)
                {
                    results.Add(result);
                }
            }
        }
    }
}
