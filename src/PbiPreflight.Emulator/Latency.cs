namespace PbiPreflight.Emulator;

/// <summary>Delays every answer by the scenario's <c>latencyMs</c>, overrides included.</summary>
public sealed class Latency(int milliseconds)
{
    /// <summary>The middleware.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (milliseconds > 0 && !EmulatorPaths.IsEmulatorPath(context))
        {
            try
            {
                await Task.Delay(milliseconds, context.RequestAborted);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client gave up (its own timeout, usually); there is nobody left to answer.
                return;
            }
        }

        await next(context);
    }
}
