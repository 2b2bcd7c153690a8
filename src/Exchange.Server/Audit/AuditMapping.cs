using Exchange.Server.Storage;
using Exchange.V1;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Server.Audit;

/// <summary>Audit rows and checkpoints on the wire: every service that lists audit events shows them alike.</summary>
public static class AuditMapping
{
    public static AuditEvent ToProto(this AuditEventEntity e) => new()
    {
        Sequence = e.Sequence,
        Time = Timestamp.FromDateTimeOffset(e.Time),
        ActorAuthorityId = e.ActorAuthorityId,
        Action = e.Action,
        TargetType = e.TargetType,
        TargetId = e.TargetId,
        Outcome = e.Outcome == AuditOutcomeKind.Succeeded ? AuditOutcome.Succeeded : AuditOutcome.Denied,
        PreviousHash = e.PreviousHash,
        Hash = e.Hash,
        SubjectAuthorityId = e.SubjectAuthorityId,
        Count = e.Count,
        Reason = e.Reason,
        ActorMemberId = e.ActorMemberId,
    };

    public static V1.AuditCheckpoint ToProto(this AuditCheckpoint c) => new()
    {
        Sequence = c.Sequence,
        Hash = c.Hash,
        SignTime = Timestamp.FromDateTimeOffset(c.Time),
        KeyId = c.KeyId,
    };
}
