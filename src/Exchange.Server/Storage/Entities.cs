namespace Exchange.Server.Storage;

/// <summary>The kinds of party; mirrors exchange.v1.AuthorityKind without its unspecified zero.</summary>
public enum PartyKind
{
    Police = 1,
    Region = 2,
    Municipality = 3,
    County = 4,
    Shelter = 5,
    Operator = 6,
}

public sealed class AuthorityEntity
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public PartyKind Kind { get; set; }
    public required string OrganisationNumber { get; set; }
    public List<string> AreaCodes { get; set; } = [];
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Raised whenever a credential is revoked or replaced. Every access token carries the value it
    /// was issued under; a token from an earlier value is refused, so no token outlives a revocation.
    /// </summary>
    public int CredentialsVersion { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum CredentialKind
{
    PublicKey = 1,
    ClientSecret = 2,
}

/// <summary>
/// The record of a credential. The secret hash and the public keys themselves live in the OpenIddict
/// application of the authority, which is what the token endpoint checks; this row is the history.
/// </summary>
public sealed class CredentialEntity
{
    public required string Id { get; set; }
    public required string AuthorityId { get; set; }
    public CredentialKind Kind { get; set; }
    public string? KeyId { get; set; }
    public string? PublicJwk { get; set; }

    /// <summary>Hex SHA-256 of a client secret (256 random bits, so a fast hash suffices), to tell at issue time which secret was presented.</summary>
    public string? SecretHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }
    public string? RevokeReason { get; set; }
}

public sealed class GrantEntity
{
    public required string Id { get; set; }
    public required string AuthorityId { get; set; }
    public required string Scope { get; set; }
    public DateTimeOffset ValidFrom { get; set; }
    public DateTimeOffset? ValidTo { get; set; }
    public required string GrantedBy { get; set; }
    public required string Reason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }
    public string? RevokeReason { get; set; }

    public bool IsValidAt(DateTimeOffset now) =>
        RevokedAt is null && ValidFrom <= now && (ValidTo is null || now < ValidTo);
}

public sealed class IndicatorEntity
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public int Goal { get; set; }
    public required string Unit { get; set; }
    public List<PartyKind> ReporterKinds { get; set; } = [];
    public List<IndicatorDimension> Dimensions { get; set; } = [];
    public int SuppressionThreshold { get; set; } = 5;
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class IndicatorDimension
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public List<string> Values { get; set; } = [];
}

public enum AuditOutcomeKind
{
    Succeeded = 1,
    Denied = 2,
}

public sealed class AuditEventEntity
{
    public long Sequence { get; set; }
    public DateTimeOffset Time { get; set; }
    public string ActorAuthorityId { get; set; } = "";
    public required string Action { get; set; }
    public required string TargetType { get; set; }
    public required string TargetId { get; set; }
    public AuditOutcomeKind Outcome { get; set; }
    public required string PreviousHash { get; set; }
    public required string Hash { get; set; }
}
