using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PbiPreflight.Engine;

namespace PbiPreflight.Commands
{
    /// <summary>One tenant's run of the engine: its queue of reports, its progress bar and how it ended.</summary>
    internal sealed class TenantRun
    {
        public TenantRun(PreflightRequest request, ProgressRecord progress)
        {
            Request = request;
            Progress = progress;
        }

        public PreflightRequest Request { get; }

        public ProgressRecord Progress { get; }

        public QueuedReporter Reporter { get; } = new QueuedReporter();

        public Task? Task { get; private set; }

        /// <summary>Set by the pipeline thread as it writes a failed result; read for <c>-Quiet</c>.</summary>
        public bool AnyFailed { get; set; }

        /// <summary>Starts the engine on a worker once <paramref name="throttle"/> gives a slot.</summary>
        public void Start(SemaphoreSlim throttle, CancellationToken cancellation)
        {
            Task = System.Threading.Tasks.Task.Run(async () =>
            {
                await throttle.WaitAsync(cancellation).ConfigureAwait(false);
                try
                {
                    await EngineLoader.Engine.RunAsync(Request, Reporter, cancellation).ConfigureAwait(false);
                }
                finally
                {
                    throttle.Release();
                }
            });
            Task.ContinueWith(_ => Reporter.Complete(), TaskScheduler.Default);
        }
    }
}
