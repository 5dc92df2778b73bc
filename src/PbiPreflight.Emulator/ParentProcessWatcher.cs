using System.Diagnostics;

namespace PbiPreflight.Emulator;

/// <summary>
/// Ends the emulator when the process that started it goes away, so a test run that crashes does
/// not leave servers behind.
/// </summary>
public static class ParentProcessWatcher
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>The start time of a running process, or null when no such process runs.</summary>
    public static DateTime? StartTimeOf(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return process.HasExited || IsZombie(processId) ? null : process.StartTime;
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private static bool IsZombie(int processId)
    {
        // On Linux an exited process that nobody has reaped yet still answers as running.
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            var afterName = stat.LastIndexOf(')');
            return afterName > 0 && afterName + 2 < stat.Length && stat[afterName + 2] is 'Z' or 'X';
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>
    /// Polls until the process has exited, then calls <paramref name="onExit"/>. A process id reused
    /// by a newer process counts as exited, which is why the start time is compared too.
    /// </summary>
    public static async Task WatchAsync(
        int processId, DateTime startTime, Action onExit, CancellationToken cancellation)
    {
        using var timer = new PeriodicTimer(PollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellation))
            {
                if (StartTimeOf(processId) != startTime)
                {
                    onExit();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The emulator is stopping for another reason.
        }
    }
}
