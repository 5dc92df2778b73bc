namespace PbiPreflight
{
    /// <summary>
    /// How the engine tells its host what it is doing. Called from any thread; a PowerShell host queues the
    /// messages and writes them from the pipeline thread. Text arrives already redacted.
    /// </summary>
    public interface IPreflightReporter
    {
        /// <summary>One line per step a user would care about.</summary>
        void Verbose(string message);

        /// <summary>Wire detail: statuses, request ids, timings, library logs.</summary>
        void Debug(string message);

        /// <summary>Something is degraded but the checks go on.</summary>
        void Warning(string message);

        /// <summary>Where the run is; <paramref name="percent"/> is 0 to 100.</summary>
        void Progress(string status, int percent);

        /// <summary>A finished check, in check order.</summary>
        void Result(CheckResult result);
    }
}
