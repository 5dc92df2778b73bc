using System;
using System.Linq;
using System.Net;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using PbiPreflight.Http;

namespace PbiPreflight.Tests
{
    /// <summary>Runs the engine against <see cref="FakePowerBi"/> on a fake clock: no server, no waiting.</summary>
    internal static class EngineHarness
    {
        public static SecureString Secure(string text)
        {
            var secure = new SecureString();
            foreach (var character in text)
            {
                secure.AppendChar(character);
            }

            return secure;
        }

        public static PreflightRequest Request(PreflightChecks checks, string secret = FakePowerBi.Secret)
        {
            var endpoints = CloudEndpoints.Custom(new Uri("https://login.test"), new Uri("https://api.test"), null);
            var connection = new ConnectionOptions(
                FakePowerBi.TenantId,
                FakePowerBi.ClientId,
                Secure(secret),
                endpoints,
                TimeSpan.FromSeconds(30));
            return new PreflightRequest(connection, checks);
        }

        /// <summary>
        /// Runs the request, moving the fake clock forward whenever the engine waits on it, until it finishes or
        /// <paramref name="maxFakeTime"/> has passed on the fake clock.
        /// </summary>
        public static async Task<RecordingReporter> RunAsync(
            FakePowerBi service,
            PreflightRequest request,
            FakeTimeProvider? clock = null,
            TimeSpan? maxFakeTime = null)
        {
            clock ??= new FakeTimeProvider(DateTimeOffset.UtcNow);
            var reporter = new RecordingReporter();
            using var transport = new HttpTransport(service);
            var run = PreflightRunner.RunAsync(
                request,
                transport,
                reporter,
                clock,
                CancellationToken.None,
                retryDelay: TimeSpan.Zero);

            var limit = maxFakeTime ?? TimeSpan.FromMinutes(10);
            var advanced = TimeSpan.Zero;
            while (!run.IsCompleted && advanced < limit)
            {
                // Let the engine reach its next wait, then release it.
                await Task.WhenAny(run, Task.Delay(2));
                clock.Advance(TimeSpan.FromMilliseconds(250));
                advanced += TimeSpan.FromMilliseconds(250);
            }

            await run;
            return reporter;
        }

        public static CheckResult Single(this RecordingReporter reporter, string check)
        {
            return reporter.Results.Single(result => result.Check == check);
        }
    }
}
