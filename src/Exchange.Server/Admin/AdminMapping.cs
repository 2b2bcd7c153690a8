using Exchange.Server.Storage;
using Exchange.Server.Validation;
using Exchange.V1;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Server.Admin;

/// <summary>Between stored rows and the wire.</summary>
internal static class AdminMapping
{
    public static Authority ToProto(this AuthorityEntity a) => new()
    {
        Id = a.Id,
        Name = a.Name,
        Kind = a.Kind.ToWire(),
        OrganisationNumber = a.OrganisationNumber,
        AreaCodes = { a.AreaCodes },
        AcceptsReferralsFrom = { a.AcceptsReferralsFrom.Select(k => k.ToWire()) },
        Enabled = a.Enabled,
        CreateTime = Timestamp.FromDateTimeOffset(a.CreatedAt),
        UpdateTime = Timestamp.FromDateTimeOffset(a.UpdatedAt),
    };

    public static Credential ToProto(this CredentialEntity c)
    {
        var proto = new Credential
        {
            Id = c.Id,
            AuthorityId = c.AuthorityId,
            Type = c.Kind == CredentialKind.PublicKey ? CredentialType.PublicKey : CredentialType.ClientSecret,
            KeyId = c.KeyId ?? "",
            CreateTime = Timestamp.FromDateTimeOffset(c.CreatedAt),
            CreatedBy = c.CreatedBy,
            RevokedBy = c.RevokedBy ?? "",
            RevokeReason = c.RevokeReason ?? "",
            Origin = (Exchange.V1.CredentialOrigin)c.Origin,
        };
        if (c.RevokedAt is { } revoked)
        {
            proto.RevokeTime = Timestamp.FromDateTimeOffset(revoked);
        }
        return proto;
    }

    public static Grant ToProto(this GrantEntity g, DateTimeOffset now)
    {
        var proto = new Grant
        {
            Id = g.Id,
            AuthorityId = g.AuthorityId,
            Scope = g.Scope,
            ValidFrom = Timestamp.FromDateTimeOffset(g.ValidFrom),
            GrantedBy = g.GrantedBy,
            Reason = g.Reason,
            CreateTime = Timestamp.FromDateTimeOffset(g.CreatedAt),
            RevokedBy = g.RevokedBy ?? "",
            RevokeReason = g.RevokeReason ?? "",
            State = GrantAdministration.StatusAt(g, now) switch
            {
                GrantStatus.Pending => GrantState.Pending,
                GrantStatus.Active => GrantState.Active,
                GrantStatus.Expired => GrantState.Expired,
                GrantStatus.Revoked => GrantState.Revoked,
                var status => throw new ArgumentOutOfRangeException(nameof(g), status, null),
            },
        };
        if (g.ValidTo is { } to)
        {
            proto.ValidTo = Timestamp.FromDateTimeOffset(to);
        }
        if (g.RevokedAt is { } revoked)
        {
            proto.RevokeTime = Timestamp.FromDateTimeOffset(revoked);
        }
        return proto;
    }

    public static CredentialChange ToProto(this CredentialChangeEntity c, bool expired)
    {
        var proto = new CredentialChange
        {
            Id = c.Id,
            AuthorityId = c.AuthorityId,
            KeyId = c.KeyId,
            RevokeExisting = c.RevokeExisting,
            Reason = c.Reason,
            RequestedBy = c.RequestedBy,
            RequestTime = Timestamp.FromDateTimeOffset(c.RequestedAt),
            ExpireTime = Timestamp.FromDateTimeOffset(c.ExpiresAt),
            State = expired ? Exchange.V1.CredentialChangeState.Expired : c.State switch
            {
                Storage.CredentialChangeState.Approved => Exchange.V1.CredentialChangeState.Approved,
                Storage.CredentialChangeState.Rejected => Exchange.V1.CredentialChangeState.Rejected,
                _ => Exchange.V1.CredentialChangeState.Pending,
            },
            DecidedBy = c.DecidedBy ?? "",
            DecideReason = c.DecisionReason ?? "",
            CredentialId = c.CredentialId ?? "",
        };
        if (c.DecidedAt is { } decided)
        {
            proto.DecideTime = Timestamp.FromDateTimeOffset(decided);
        }
        return proto;
    }
}
