using Grpc.Core;

namespace Exchange.Client;

/// <summary>
/// Where <see cref="ReferralClientExtensions.WatchReferralsAsync"/> keeps its place in the stream of
/// referral events, and how it waits after a disconnect.
/// </summary>
public sealed class ReferralWatchOptions
{
    /// <summary>
    /// Reads the cursor saved last (for example from your own database); null or empty to start with
    /// the oldest event the server holds. Called once, when watching starts.
    /// </summary>
    public Func<CancellationToken, Task<string?>> LoadCursor { get; set; } = static _ => Task.FromResult<string?>(null);

    /// <summary>
    /// Saves the cursor of an event once your handler has finished with it. After a crash of your own
    /// process, the next watch starts after the last event saved: an event whose handler finished but
    /// whose cursor was not saved yet is delivered again, so handle events idempotently (by referral id
    /// and status).
    /// </summary>
    public Func<string, CancellationToken, Task> SaveCursor { get; set; } = static (_, _) => Task.CompletedTask;

    /// <summary>
    /// Told of each disconnect that is retried (the server unreachable, restarting or overloaded, the
    /// stream broken) and how long the watcher waits before it reconnects: 1 s, doubling, at most
    /// <see cref="MaxBackoff"/>, back to 1 s once an event arrives.
    /// </summary>
    public Action<RpcException, TimeSpan>? Reconnecting { get; set; }

    /// <summary>The longest wait between reconnection attempts, 1 second to 10 minutes. Default 30 seconds.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The first wait after a disconnect. Default 1 second.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The clock the waits are measured on; for tests.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(LoadCursor);
        ArgumentNullException.ThrowIfNull(SaveCursor);
        ArgumentNullException.ThrowIfNull(TimeProvider);
        if (MaxBackoff < TimeSpan.FromSeconds(1) || MaxBackoff > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentException("MaxBackoff must be 1 second to 10 minutes.", nameof(MaxBackoff));
        }
        if (InitialBackoff < TimeSpan.Zero || InitialBackoff > MaxBackoff)
        {
            throw new ArgumentException("InitialBackoff must be 0 to MaxBackoff.", nameof(InitialBackoff));
        }
    }
}
