using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Exchange.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Audit;

/// <summary>One audited action: ids only, never personal data.</summary>
public sealed record AuditRecord(string ActorAuthorityId, string Action, string TargetType, string TargetId, AuditOutcomeKind Outcome = AuditOutcomeKind.Succeeded);

/// <summary>
/// The append-only, hash-chained audit log. Each event stores the SHA-256 of the previous one, so a
/// changed or removed event breaks every hash after it.
/// </summary>
public sealed class AuditLog(TimeProvider time)
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    // Appends are serialised so that two events never claim the same predecessor. Replicas of the
    // server would need a database lock here instead; the PostgreSQL issue adds it.
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
    /// such as OpenIddict's application manager. The append lock is always taken before the database
    /// transaction, so two audited changes never wait on each other in opposite order.
    /// </summary>
    public async Task SaveWithAuditAsync(ExchangeDbContext db, AuditRecord record, Func<Task> work, CancellationToken cancellationToken)
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
            await work();
            var last = await db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Sequence)
                .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(cancellationToken);
            var entity = new AuditEventEntity
            {
                Sequence = (last?.Sequence ?? 0) + 1,
                // Whole microseconds: what PostgreSQL stores, so the hash still matches when read back.
                Time = TruncateToMicroseconds(time.GetUtcNow()),
                ActorAuthorityId = record.ActorAuthorityId,
                Action = record.Action,
                TargetType = record.TargetType,
                TargetId = record.TargetId,
                Outcome = record.Outcome,
                PreviousHash = last?.Hash ?? GenesisHash,
                Hash = "",
            };
            entity.Hash = ComputeHash(entity);
            db.AuditEvents.Add(entity);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            AppendLock.Release();
        }
    }

    private static DateTimeOffset TruncateToMicroseconds(DateTimeOffset value) =>
        new(value.UtcTicks - value.UtcTicks % 10, TimeSpan.Zero);

    public static string ComputeHash(AuditEventEntity e)
    {
        var canonical = string.Join('\n',
            e.Sequence.ToString(CultureInfo.InvariantCulture),
            e.Time.UtcTicks.ToString(CultureInfo.InvariantCulture),
            e.ActorAuthorityId, e.Action, e.TargetType, e.TargetId, e.Outcome.ToString(), e.PreviousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>Checks the chain in order; returns the first broken sequence number, or null when intact.</summary>
    public static long? FindBreak(IEnumerable<AuditEventEntity> eventsInOrder)
    {
        var previous = GenesisHash;
        var expectedSequence = 1L;
        foreach (var e in eventsInOrder)
        {
            if (e.Sequence != expectedSequence || e.PreviousHash != previous || ComputeHash(e) != e.Hash)
            {
                return expectedSequence;
            }
            previous = e.Hash;
            expectedSequence++;
        }
        return null;
    }
}
