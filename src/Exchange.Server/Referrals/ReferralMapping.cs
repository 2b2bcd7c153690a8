using Exchange.Server.Storage;
using Exchange.V1;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Server.Referrals;

internal static class ReferralMapping
{
    public static ReferralSummary ToSummary(this ReferralEntity referral) => new()
    {
        Id = referral.Id,
        SenderAuthorityId = referral.SenderId,
        RecipientAuthorityId = referral.RecipientId,
        ReasonCategory = (ReasonCategory)referral.ReasonCategory,
        Status = (ReferralStatus)referral.Status,
        CreateTime = Timestamp.FromDateTimeOffset(referral.CreatedAt),
        UpdateTime = Timestamp.FromDateTimeOffset(referral.UpdatedAt),
        ConsentExpireTime = Timestamp.FromDateTimeOffset(referral.ConsentExpiresAt),
        RejectionReason = (RejectionReason)referral.RejectionReason,
        EraseTime = referral.ErasedAt is { } erased ? Timestamp.FromDateTimeOffset(erased) : null,
        ConsentWithdrawTime = referral.ConsentWithdrawnAt is { } withdrawn ? Timestamp.FromDateTimeOffset(withdrawn) : null,
    };

    public static ReferralReceipt ToReceipt(this ReferralEventEntity change) => new()
    {
        Status = (ReferralStatus)change.Status,
        Time = Timestamp.FromDateTimeOffset(change.At),
        RejectionReason = (RejectionReason)change.RejectionReason,
    };
}
