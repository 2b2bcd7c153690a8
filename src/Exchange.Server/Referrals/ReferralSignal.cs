namespace Exchange.Server.Referrals;

/// <summary>
/// Wakes the watchers of this server when a referral event is stored, so that they read the store at
/// once instead of at their next poll. Watchers still poll: an event stored by another replica
/// reaches them within the poll interval.
/// </summary>
public sealed class ReferralSignal
{
    private TaskCompletionSource pulse = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Pulse"/>.</summary>
    public Task Next => Volatile.Read(ref pulse).Task;

    public void Pulse() => Interlocked.Exchange(ref pulse, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
