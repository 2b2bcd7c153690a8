using System.Diagnostics;

namespace Exchange.Bench;

/// <summary>Call latencies in Stopwatch ticks, with percentiles over every sample (nearest rank).</summary>
internal sealed class Latencies
{
    private readonly List<long> ticks = [];

    public int Count => ticks.Count;

    public void Add(long elapsedTicks) => ticks.Add(elapsedTicks);

    public void AddRange(Latencies other) => ticks.AddRange(other.ticks);

    /// <summary>The <paramref name="percentile"/> (0–100) in milliseconds; null without samples.</summary>
    public double? Milliseconds(double percentile)
    {
        if (ticks.Count == 0)
        {
            return null;
        }
        ticks.Sort();
        var rank = (int)Math.Ceiling(percentile / 100 * ticks.Count);
        var sample = ticks[Math.Clamp(rank - 1, 0, ticks.Count - 1)];
        return sample * 1000.0 / Stopwatch.Frequency;
    }

    public double? P50 => Milliseconds(50);

    public double? P99 => Milliseconds(99);
}

/// <summary>What a timed stretch of calls came to.</summary>
internal sealed record LoadResult(long Succeeded, long Failed, TimeSpan Measured, Latencies Latencies, string? FirstError)
{
    public double CallsPerSecond => Succeeded / Measured.TotalSeconds;

    public double FailedShare => Succeeded + Failed == 0 ? 1 : (double)Failed / (Succeeded + Failed);

    public string FailureText => Succeeded + Failed == 0
        ? Text.Invariant($"no call completed in the {Measured.TotalSeconds:F1} s measured")
        : Text.Invariant($"{Failed:N0} of {Succeeded + Failed:N0} calls failed ({FailedShare:P1}); first: {FirstError}");

    /// <summary>More than 1 % of the calls failed (or none was made).</summary>
    public bool IsFailure => Succeeded == 0 || FailedShare > 0.01;
}

/// <summary>Prints a scenario's progress to stderr once a second: its name, the time elapsed and the calls so far.</summary>
internal sealed class ProgressTicker : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task ticking;

    private ProgressTicker(string scenario, Func<string> status)
    {
        var started = Stopwatch.GetTimestamp();
        ticking = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            try
            {
                while (await timer.WaitForNextTickAsync(stop.Token))
                {
                    Console.Error.WriteLine(Text.Invariant($"  [{scenario}] {Stopwatch.GetElapsedTime(started).TotalSeconds,6:F1} s  {status()}"));
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        });
    }

    public static ProgressTicker Start(string scenario, Func<string> status) => new(scenario, status);

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await ticking;
        stop.Dispose();
    }
}

/// <summary>
/// Runs a call in a closed loop on <c>concurrency</c> workers: a warm-up whose calls are not counted,
/// then the measured stretch, in which each call that completes is counted with its latency. Calls
/// still in flight when the stretch ends are waited for but not counted.
/// </summary>
internal static class ClosedLoop
{
    public static async Task<LoadResult> RunAsync(string scenario, int concurrency, TimeSpan warmUp, TimeSpan duration,
        Func<int, CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var measureFrom = started + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
        var measureUntil = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long succeeded = 0, failed = 0;
        string? firstError = null;
        var perWorker = new Latencies[concurrency];

        await using (ProgressTicker.Start(scenario, () =>
        {
            var phase = Stopwatch.GetTimestamp() < measureFrom ? "warm-up" : "measuring";
            return Text.Invariant($"{phase}: {Interlocked.Read(ref succeeded):N0} calls, {Interlocked.Read(ref failed):N0} failed");
        }))
        {
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
            {
                var latencies = perWorker[worker] = new Latencies();
                while (!cancellationToken.IsCancellationRequested)
                {
                    var before = Stopwatch.GetTimestamp();
                    if (before >= measureUntil)
                    {
                        break;
                    }
                    Exception? error = null;
                    try
                    {
                        await call(worker, cancellationToken);
                    }
                    catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                    {
                        error = e;
                    }
                    var after = Stopwatch.GetTimestamp();
                    // A call counts where it completes: slow calls started in the warm-up still count.
                    if (after < measureFrom || after > measureUntil)
                    {
                        continue;
                    }
                    if (error is null)
                    {
                        Interlocked.Increment(ref succeeded);
                        latencies.Add(after - before);
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                        Interlocked.CompareExchange(ref firstError, Text.Describe(error), null);
                    }
                }
            }, CancellationToken.None)));
        }
        cancellationToken.ThrowIfCancellationRequested();
        var all = new Latencies();
        foreach (var latencies in perWorker)
        {
            all.AddRange(latencies);
        }
        return new LoadResult(succeeded, failed, duration, all, firstError);
    }

    /// <summary>Runs <paramref name="call"/> one at a time for <paramref name="duration"/> or <paramref name="maxCalls"/> calls, whichever comes first.</summary>
    public static async Task<LoadResult> SequentialAsync(string scenario, TimeSpan duration, int maxCalls, Func<CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        var latencies = new Latencies();
        long failed = 0;
        string? firstError = null;
        var started = Stopwatch.GetTimestamp();
        await using (ProgressTicker.Start(scenario, () => Text.Invariant($"{latencies.Count:N0} calls, {failed:N0} failed")))
        {
            while (latencies.Count + failed < maxCalls && Stopwatch.GetElapsedTime(started) < duration)
            {
                var before = Stopwatch.GetTimestamp();
                try
                {
                    await call(cancellationToken);
                    latencies.Add(Stopwatch.GetTimestamp() - before);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    failed++;
                    firstError ??= Text.Describe(e);
                }
            }
        }
        return new LoadResult(latencies.Count, failed, Stopwatch.GetElapsedTime(started), latencies, firstError);
    }
}
