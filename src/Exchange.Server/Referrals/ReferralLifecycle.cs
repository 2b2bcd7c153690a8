using Exchange.Server.Storage;

namespace Exchange.Server.Referrals;

/// <summary>
/// requested → received → accepted | rejected; accepted → completed. Only the recipient moves a
/// referral along it; revoked comes only from a withdrawal or an expired consent, and ends it.
/// </summary>
public static class ReferralLifecycle
{
    public static bool MayMove(ReferralState from, ReferralState to) => (from, to) switch
    {
        (ReferralState.Requested, ReferralState.Received) => true,
        (ReferralState.Received, ReferralState.Accepted or ReferralState.Rejected) => true,
        (ReferralState.Accepted, ReferralState.Completed) => true,
        _ => false,
    };

    /// <summary>Closed: the recipient's work with it is over, and its retention period runs.</summary>
    public static bool IsClosed(ReferralState state) => state is ReferralState.Rejected or ReferralState.Completed;
}
