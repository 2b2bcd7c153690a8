namespace Exchange.Server.Configuration;

/// <summary>The pause between runs of the server's background work.</summary>
public static class Intervals
{
    /// <summary>
    /// Waits <paramref name="interval"/> on the server's clock; false when the server stops. A delay
    /// from each run rather than a periodic timer: after a pause, or a clock moved far ahead in
    /// tests, one run catches up instead of one run per interval missed.
    /// </summary>
    public static async Task<bool> WaitAsync(TimeProvider time, TimeSpan interval, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(interval, time, stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> now and then every <paramref name="interval"/> until the server
    /// stops; a run that fails is reported to <paramref name="failed"/> and the next one tries again.
    /// </summary>
    public static async Task RepeatAsync(TimeProvider time, TimeSpan interval, Func<CancellationToken, Task> work, Action<Exception> failed, CancellationToken stoppingToken)
    {
        do
        {
            try
            {
                await work(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed(e);
            }
        }
        while (await WaitAsync(time, interval, stoppingToken));
    }
}
