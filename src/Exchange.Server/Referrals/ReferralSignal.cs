namespace Exchange.Server.Referrals;

/// <summary>
/// Wakes the watchers of this server when a referral event is stored, so that they read the store at
/// once instead of at their next poll: by this server directly, and on PostgreSQL by every server
/// through <see cref="Storage.StoreChanges"/> (a NOTIFY at commit). Watchers still poll, for SQLite
/// files shared by two servers and while the PostgreSQL listener reconnects.
/// </summary>
public sealed class ReferralSignal
{
    public ReferralSignal(Storage.StoreChanges changes) => changes.ReferralsChanged += Pulse;

    private TaskCompletionSource pulse = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Pulse"/>.</summary>
    public Task Next => Volatile.Read(ref pulse).Task;

    public void Pulse() => Interlocked.Exchange(ref pulse, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
