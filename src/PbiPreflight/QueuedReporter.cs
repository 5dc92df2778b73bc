using System.Collections.Concurrent;
using System.Collections.Generic;

namespace PbiPreflight.Commands
{
    /// <summary>
    /// Collects what the engine reports from any thread, so that the cmdlet can write it from the pipeline thread,
    /// the only thread PowerShell lets write.
    /// </summary>
    internal sealed class QueuedReporter : IPreflightReporter
    {
        private readonly BlockingCollection<ReportItem> items = new BlockingCollection<ReportItem>();

        public void Verbose(string message) => Add(new ReportItem(ReportKind.Verbose, message));

        public void Debug(string message) => Add(new ReportItem(ReportKind.Debug, message));

        public void Warning(string message) => Add(new ReportItem(ReportKind.Warning, message));

        public void Progress(string status, int percent) => Add(new ReportItem(ReportKind.Progress, status, percent));

        public void Result(CheckResult result) => Add(new ReportItem(result));

        /// <summary>Called once the engine is done; the drain then ends after the last item.</summary>
        public void Complete() => items.CompleteAdding();

        /// <summary>Yields items as they arrive, blocking the pipeline thread in between.</summary>
        public IEnumerable<ReportItem> Drain() => items.GetConsumingEnumerable();

        /// <summary>Takes the next item if one is there, without waiting.</summary>
        public bool TryTake(out ReportItem item) => items.TryTake(out item!);

        /// <summary>True once the engine is done and every item was taken.</summary>
        public bool IsCompleted => items.IsCompleted;

        private void Add(ReportItem item)
        {
            // A message that arrives after the engine finished (a late library log line) is dropped rather than
            // thrown into a thread that has nobody to catch it.
            try
            {
                items.Add(item);
            }
            catch (System.InvalidOperationException)
            {
            }
        }
    }

    /// <summary>What kind of thing the engine reported.</summary>
    internal enum ReportKind
    {
        Verbose,
        Debug,
        Warning,
        Progress,
        Result,
    }

    /// <summary>One queued report.</summary>
    internal sealed class ReportItem
    {
        public ReportItem(ReportKind kind, string text, int percent = 0)
        {
            Kind = kind;
            Text = text;
            Percent = percent;
        }

        public ReportItem(CheckResult result)
        {
            Kind = ReportKind.Result;
            Text = string.Empty;
            Result = result;
        }

        public ReportKind Kind { get; }

        public string Text { get; }

        public int Percent { get; }

        public CheckResult? Result { get; }
    }
}
