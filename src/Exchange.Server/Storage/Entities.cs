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

    /// <summary>A web app through which people act for their authorities: holds no grant, only exchanges its people's ID tokens.</summary>
    WebApp = 7,
}

public sealed class AuthorityEntity
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public PartyKind Kind { get; set; }
    public required string OrganisationNumber { get; set; }
    public List<string> AreaCodes { get; set; } = [];

    /// <summary>The kinds of sender this authority takes referrals from; none until an operator says.</summary>
    public List<PartyKind> AcceptsReferralsFrom { get; set; } = [];
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Raised whenever access must end for every token issued before: a credential revoked or
    /// replaced, the authority disabled, a grant revoked. Every access token carries the value it was
    /// issued under and a token from an earlier value is refused, so no token outlives a revocation and
    /// re-enabling or re-granting never brings one back.
    /// </summary>
    public int TokenVersion { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum CredentialKind
{
    PublicKey = 1,
    ClientSecret = 2,
}

/// <summary>How a credential came to be: the only ways, and each one visible to the authority.</summary>
public enum CredentialOrigin
{
    /// <summary>The authority's first credential, set by an operator.</summary>
    Onboarding = 1,

    /// <summary>Added by the authority itself, proving possession of a current credential.</summary>
    SelfService = 2,

    /// <summary>Proposed by one operator and approved by another.</summary>
    BreakGlass = 3,

    /// <summary>Created by the server itself: the operator bootstrap and the Development demo seed.</summary>
    System = 4,
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
    public CredentialOrigin Origin { get; set; }
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
    public AreaLevelKind ReportingLevel { get; set; } = AreaLevelKind.Municipality;
    public PeriodKind ReportingPeriod { get; set; } = PeriodKind.Month;

    /// <summary>Raised when what is counted changes; each cell keeps the version it was reported under.</summary>
    public int DefinitionVersion { get; set; } = 1;

    /// <summary>How many of its dimensions one published cell may break down at once.</summary>
    public int MaxCrossedDimensions { get; set; } = 2;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The area level of a cell; mirrors exchange.v1.AreaLevel without its unspecified zero.</summary>
public enum AreaLevelKind
{
    Municipality = 1,
    County = 2,
}

/// <summary>The length of a period; mirrors exchange.v1.PeriodType without its unspecified zero.</summary>
public enum PeriodKind
{
    Month = 1,
    Quarter = 2,
    Year = 3,
}

/// <summary>One stored statistics submission: what makes a retried request_id answer with its first result.</summary>
public sealed class StatisticsSubmissionEntity
{
    public required string Id { get; set; }
    public required string AuthorityId { get; set; }
    public required string RequestId { get; set; }

    /// <summary>Hex SHA-256 of the submission's cells in canonical form: the same request_id with other content is refused.</summary>
    public required string ContentHash { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public int CellCount { get; set; }
    public int ReplacedCount { get; set; }
}

/// <summary>
/// The current value of one reported cell of one reporter. The period's type is the indicator's
/// reporting period; <see cref="Dimensions"/> holds the dimension values in the indicator's order,
/// as "code=value" joined by ';'.
/// </summary>
public sealed class StatisticsCellEntity
{
    public long Id { get; set; }
    public required string IndicatorCode { get; set; }
    public int DefinitionVersion { get; set; }
    public int Year { get; set; }
    public int PeriodNumber { get; set; }
    public required string AreaCode { get; set; }
    public required string Dimensions { get; set; }
    public required string ReporterId { get; set; }
    public long Count { get; set; }
    public required string SubmissionId { get; set; }
    public DateTimeOffset ReportedAt { get; set; }
}

/// <summary>A value a cell had before a correction replaced it: the reporter's history.</summary>
public sealed class StatisticsCellRevisionEntity
{
    public long Id { get; set; }
    public long CellId { get; set; }
    public long Count { get; set; }
    public required string SubmissionId { get; set; }
    public DateTimeOffset ReportedAt { get; set; }
    public required string ReplacedBySubmissionId { get; set; }
    public DateTimeOffset ReplacedAt { get; set; }
}

/// <summary>
/// Raised by every submission that touches an indicator's year: protected tables are computed once
/// per indicator, year and revision, and reused until the revision moves.
/// </summary>
public sealed class StatisticsRevisionEntity
{
    public required string IndicatorCode { get; set; }
    public int Year { get; set; }
    public long Revision { get; set; }
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

    /// <summary>The authority whose data or access the event concerns (e.g. whose credential changed); empty when none.</summary>
    public string SubjectAuthorityId { get; set; } = "";
    public required string Action { get; set; }
    public required string TargetType { get; set; }
    public required string TargetId { get; set; }
    public AuditOutcomeKind Outcome { get; set; }

    /// <summary>How many occurrences the event stands for: repeated denials in one window are one event.</summary>
    public int Count { get; set; } = 1;

    /// <summary>Why, as the actor gave it; empty when none was asked for.</summary>
    public string Reason { get; set; } = "";

    /// <summary>The member (a person acting for the actor authority through the web app) who acted; empty when the authority's system did.</summary>
    public string ActorMemberId { get; set; } = "";
    public required string PreviousHash { get; set; }
    public required string Hash { get; set; }
}

/// <summary>
/// A client assertion (private_key_jwt) already used, remembered until it expires so that it is
/// accepted once: the primary key refuses a second use, also from another server on the same database.
/// </summary>
public sealed class ClientAssertionEntity
{
    public required string ClientId { get; set; }
    public required string Jti { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

public enum CredentialChangeState
{
    Pending = 1,
    Approved = 2,
    Rejected = 3,
}

/// <summary>
/// A break-glass credential change: one operator proposes a public key, handed over by an authority
/// that lost its credential; a second, different operator approves it. Until then it changes nothing.
/// </summary>
public sealed class CredentialChangeEntity
{
    public required string Id { get; set; }
    public required string AuthorityId { get; set; }
    public required string KeyId { get; set; }
    public required string PublicJwk { get; set; }

    /// <summary>Whether approval also revokes every credential the authority holds (a lost or leaked key).</summary>
    public bool RevokeExisting { get; set; }
    public required string Reason { get; set; }
    public required string RequestedBy { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public CredentialChangeState State { get; set; } = CredentialChangeState.Pending;
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecisionReason { get; set; }

    /// <summary>The credential the approval created.</summary>
    public string? CredentialId { get; set; }
}

public enum ReferralState
{
    Requested = 1,
    Received = 2,
    Accepted = 3,
    Rejected = 4,
    Completed = 5,
    Revoked = 6,
}

/// <summary>Why a referral's personal data was destroyed.</summary>
public enum ErasureCause
{
    ConsentWithdrawn = 1,
    ConsentExpired = 2,
    RetentionEnded = 3,
}

/// <summary>
/// A referral. Everything personal — the subject, the message, the consent's purpose and who
/// documented it — is in <see cref="SealedPayload"/>, sealed under a data key kept in the key store
/// (see Referrals/ReferralKeyStore); the columns hold ids, parties, times, statuses and what the
/// server must check the consent against without opening it.
/// </summary>
public sealed class ReferralEntity
{
    /// <summary>A version 7 GUID: ordered by time, so newest first is an order by id.</summary>
    public required string Id { get; set; }
    public required string SenderId { get; set; }
    public PartyKind SenderKind { get; set; }
    public required string RecipientId { get; set; }
    public PartyKind RecipientKind { get; set; }
    public required string RequestId { get; set; }

    /// <summary>
    /// Hex HMAC-SHA-256 of the request's content under the referral's data key: the same request_id
    /// with other content is refused. Keyed so that it cannot be tested against guessed identifiers,
    /// and dies with the key.
    /// </summary>
    public required string ContentHash { get; set; }
    public int ReasonCategory { get; set; }
    public ReferralState Status { get; set; }
    public int RejectionReason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? ReceivedAt { get; set; }

    /// <summary>When it was completed or rejected: the retention period runs from here.</summary>
    public DateTimeOffset? ClosedAt { get; set; }
    public DateTimeOffset ConsentGivenAt { get; set; }
    public DateTimeOffset ConsentExpiresAt { get; set; }

    /// <summary>The data categories the consent covers, as DataCategory numbers joined by ','.</summary>
    public required string ConsentCategories { get; set; }

    /// <summary>Null once the personal data is erased; what remains is the tombstone.</summary>
    public byte[]? SealedPayload { get; set; }
    public DateTimeOffset? ErasedAt { get; set; }
    public ErasureCause? ErasureCause { get; set; }

    /// <summary>When the person withdrew consent, as the withdrawing party recorded it (it may precede the erasure).</summary>
    public DateTimeOffset? ConsentWithdrawnAt { get; set; }
}

/// <summary>
/// One event of a party's referral stream: a new referral for its recipient, a status change for the
/// other party.
/// </summary>
public sealed class ReferralEventEntity
{
    public long Sequence { get; set; }
    public required string AuthorityId { get; set; }

    /// <summary>
    /// The event's place in its authority's own stream, 1, 2, 3 …, and, encoded, the stream's cursor:
    /// numbered per authority so that a cursor says nothing of how many referrals other authorities
    /// exchanged in between. Events from before it existed carry their <see cref="Sequence"/>.
    /// </summary>
    public long AuthoritySequence { get; set; }
    public required string ReferralId { get; set; }

    /// <summary>Whether the event is for the referral's recipient (else its sender): each reads it under its own scope.</summary>
    public bool ToRecipient { get; set; }
    public bool NewReferral { get; set; }
    public ReferralState Status { get; set; }
    public int RejectionReason { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>
/// One row whose <see cref="Version"/> rises with every change to authorities, grants or indicators:
/// what a server's caches of who may call and of the catalogue are checked against.
/// </summary>
public sealed class AdmissionStampEntity
{
    public const int SingleId = 1;

    public int Id { get; set; }
    public long Version { get; set; }
}

/// <summary>
/// A person's membership of an authority: who may act for it in the web app, with which roles. The
/// person is known only by a reference derived from the identity provider's issuer and identifier.
/// </summary>
public sealed class MemberEntity
{
    /// <summary>"m-" and 16 base32 characters; the audit names the person by it.</summary>
    public required string Id { get; set; }
    public required string AuthorityId { get; set; }
    public required string PersonReference { get; set; }
    public required string DisplayName { get; set; }
    public List<MemberRoleKind> Roles { get; set; } = [];

    /// <summary>Raised with every change of roles: a person's token names the version it was issued at.</summary>
    public int Version { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedByAuthorityId { get; set; }
    public string CreatedByMemberId { get; set; } = "";
}

public enum MemberRoleKind
{
    CaseWorker = 1,
    Analyst = 2,
    LocalAdministrator = 3,
    Operator = 4,
}

/// <summary>
/// The inhabitants of one area (a kommun or a county) in one year, from the population table the
/// operators keep, so that counts can be read as rates per 10,000 inhabitants. Public data, no person.
/// </summary>
public sealed class PopulationFigureEntity
{
    public required string AreaCode { get; set; }
    public int Year { get; set; }
    public long Inhabitants { get; set; }
    public required string Source { get; set; }

    /// <summary>A made-up figure of a development server's demo data; any import replaces it.</summary>
    public bool Demo { get; set; }
    public DateTimeOffset ImportedAt { get; set; }
}
