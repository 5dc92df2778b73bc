using System;
using System.Threading;
using System.Threading.Tasks;

namespace PbiPreflight
{
    /// <summary>
    /// The time one check may take, all its calls, retries and waits together. The deadline flows with the
    /// check's async calls, so that the client can decide whether a <c>Retry-After</c> still fits, and the check
    /// is cancelled when it runs out.
    /// </summary>
    internal static class CheckBudget
    {
        private static readonly AsyncLocal<DateTimeOffset?> Deadline = new AsyncLocal<DateTimeOffset?>();

        /// <summary>The time left to the current check; unlimited outside one.</summary>
        public static TimeSpan Remaining(TimeProvider clock)
        {
            var deadline = Deadline.Value;
            return deadline is null ? TimeSpan.MaxValue : deadline.Value - clock.GetUtcNow();
        }

        /// <summary>
        /// Runs one check within <paramref name="budget"/>. When the budget runs out first, the check is cancelled
        /// and <paramref name="timedOut"/> makes its results instead; the caller's own cancellation still throws.
        /// </summary>
        public static async Task<T> RunAsync<T>(
            TimeProvider clock,
            TimeSpan budget,
            Func<CancellationToken, Task<T>> check,
            Func<T> timedOut,
            CancellationToken cancellation)
        {
            using var limit = clock.CreateCancellationTokenSource(budget);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, limit.Token);

            // An AsyncLocal set here is seen by the awaited check and its calls, and not by sibling checks.
            Deadline.Value = clock.GetUtcNow() + budget;
            try
            {
                return await check(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
                when (limit.IsCancellationRequested && !cancellation.IsCancellationRequested)
            {
                return timedOut();
            }
        }
    }
}
