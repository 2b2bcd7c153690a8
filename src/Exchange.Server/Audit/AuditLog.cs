using Exchange.Contracts;
using Exchange.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Audit;

/// <summary>
/// The actors of what the server does by itself. The colon keeps them apart from every authority id
/// (letters, digits and '-' only), so no authority can ever be mistaken for the server in the log.
/// </summary>
public static class SystemActors
{
    public const string Bootstrap = "system:bootstrap";
    public const string DemoSeed = "system:demo-seed";
    public const string Server = "system:server";

    /// <summary>
    /// Ids no authority may take: the words the server's own actors and targets are named by, and
    /// names that would read as the server or nobody in the audit log.
    /// </summary>
    public static readonly IReadOnlySet<string> ReservedAuthorityIds = new HashSet<string>(StringComparer.Ordinal)
    {
        "bootstrap", "system", "server", "exchange", "configuration", "demo-seed", "anonymous", "unknown", "unknown-client", "root", "admin", "operator",
    };
}

/// <summary>One audited action: ids only, never personal data.</summary>
public sealed record AuditRecord(string ActorAuthorityId, string Action, string TargetType, string TargetId, AuditOutcomeKind Outcome = AuditOutcomeKind.Succeeded)
{
    /// <summary>The authority whose data or access the action concerns, which may read the event; empty when none.</summary>
    public string SubjectAuthorityId { get; init; } = "";

    /// <summary>How many occurrences the event stands for (repeated denials in one window).</summary>
    public int Count { get; init; } = 1;

    /// <summary>Why, as the actor gave it (checked to hold no personnummer); empty when none was asked for.</summary>
    public string Reason { get; init; } = "";

    /// <summary>
    /// The member who acted for the actor authority; null takes the person of the call being served
    /// (<see cref="AuditActor"/>), so that no audited action of a person can be written without them.
    /// </summary>
    public string? ActorMemberId { get; init; }
}

/// <summary>
/// The person (membership) a call is served for, set by the access interceptor for the length of the
/// call. Every audit event the call writes for its own authority names the person.
/// </summary>
public static class AuditActor
{
    private static readonly AsyncLocal<(string AuthorityId, string MemberId)?> Current = new();

    public static IDisposable Enter(string authorityId, string memberId)
    {
        var previous = Current.Value;
        Current.Value = (authorityId, memberId);
        return new Exit(previous);
    }

    /// <summary>The member acting for <paramref name="authorityId"/> in this call, or empty.</summary>
    public static string MemberActingFor(string authorityId) =>
        Current.Value is { } actor && actor.AuthorityId == authorityId ? actor.MemberId : "";

    private sealed class Exit((string, string)? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}

/// <summary>
/// The append-only, hash-chained audit log. Each event stores the SHA-256 of the previous one, so a
/// changed or removed event breaks every hash after it.
/// </summary>
public sealed class AuditLog(TimeProvider time, StoreChanges? changes = null)
{
    public const string GenesisHash = AuditChain.GenesisHash;

    // Appends are serialised so that two events never claim the same predecessor: in this process by
    // this lock, across processes on PostgreSQL by an advisory lock inside the transaction.
    private static readonly SemaphoreSlim AppendLock = new(1, 1);

    /// <summary>
    /// Adds the event to <paramref name="db"/> and saves all of its pending changes in one
    /// transaction, so that a change and its audit event are stored together or not at all.
    /// </summary>
    public Task SaveWithAuditAsync(ExchangeDbContext db, AuditRecord record, CancellationToken cancellationToken) =>
        SaveWithAuditAsync(db, record, static () => Task.CompletedTask, cancellationToken);

    /// <summary>
    /// As <see cref="SaveWithAuditAsync(ExchangeDbContext, AuditRecord, CancellationToken)"/>, with
    /// <paramref name="work"/> run first inside the same transaction — for work that saves on its own,
    /// such as OpenIddict's application manager, or that must see its own changes to check a rule.
    /// </summary>
    public Task SaveWithAuditAsync(ExchangeDbContext db, AuditRecord record, Func<Task> work, CancellationToken cancellationToken) =>
        SaveWithAuditAsync(db, async () =>
        {
            await work();
            return [record];
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> inside one transaction and appends the events it returns, in order:
    /// for a change made of several audited steps (a break-glass approval revokes and adds credentials).
    /// An exception from the work rolls everything back and appends nothing. The append lock is always
    /// taken before the database transaction, so two audited changes never wait on each other in
    /// opposite order.
    /// </summary>
    public async Task SaveWithAuditAsync(ExchangeDbContext db, Func<Task<IReadOnlyList<AuditRecord>>> work, CancellationToken cancellationToken)
    {
        await AppendLock.WaitAsync(cancellationToken);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (db.Database.IsNpgsql())
            {
                // Replicas share the chain: serialise appends across processes for this transaction.
                await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(7341820912)", cancellationToken);
            }
            var records = await work();
            var last = await db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Sequence)
                .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(cancellationToken);
            var (sequence, previousHash) = (last?.Sequence ?? 0, last?.Hash ?? GenesisHash);
            // Whole microseconds: what PostgreSQL stores, so the hash still matches when read back.
            var now = TruncateToMicroseconds(time.GetUtcNow());
            foreach (var record in records)
            {
                var entity = new AuditEventEntity
                {
                    Sequence = ++sequence,
                    Time = now,
                    ActorAuthorityId = record.ActorAuthorityId,
                    SubjectAuthorityId = record.SubjectAuthorityId,
                    Action = record.Action,
                    TargetType = record.TargetType,
                    TargetId = record.TargetId,
                    Outcome = record.Outcome,
                    Count = record.Count,
                    Reason = record.Reason,
                    ActorMemberId = record.ActorMemberId ?? AuditActor.MemberActingFor(record.ActorAuthorityId),
                    PreviousHash = previousHash,
                    Hash = "",
                };
                entity.Hash = previousHash = ComputeHash(entity);
                db.AuditEvents.Add(entity);
            }
            await db.SaveChangesAsync(cancellationToken);
            // If this change raised the admission stamp (triggers on authorities and grants), this
            // server's own next call must see it without waiting for the notification to come back.
            var stamp = changes?.ListenedStamp is null ? (long?)null : await changes.AdmissionStampAsync(db, cancellationToken, fromStore: true);
            await transaction.CommitAsync(cancellationToken);
            if (stamp is { } committed)
            {
                changes!.Advance(committed);
            }
        }
        finally
        {
            AppendLock.Release();
        }
    }

    private static DateTimeOffset TruncateToMicroseconds(DateTimeOffset value) =>
        new(value.UtcTicks - value.UtcTicks % 10, TimeSpan.Zero);

    public static string ComputeHash(AuditEventEntity e) => AuditChain.Hash(e.Sequence, e.Time, e.ActorAuthorityId, e.Action, e.TargetType, e.TargetId,
        e.Outcome.ToString(), e.PreviousHash, e.SubjectAuthorityId, e.Count, e.Reason, e.ActorMemberId);

    /// <summary>Checks the chain in order; returns the first broken sequence number, or null when intact.</summary>
    public static long? FindBreak(IEnumerable<AuditEventEntity> eventsInOrder)
    {
        var walk = new AuditChainWalk();
        foreach (var e in eventsInOrder)
        {
            if (walk.Next(e) is not null)
            {
                return walk.Broken;
            }
        }
        return null;
    }
}

public static class AuditChainWalkExtensions
{
    /// <summary>Takes the next stored event, hashing its fields as the chain does.</summary>
    public static string? Next(this AuditChainWalk walk, AuditEventEntity e) => walk.Next(e.Sequence, e.PreviousHash, e.Hash, AuditLog.ComputeHash(e));
}
