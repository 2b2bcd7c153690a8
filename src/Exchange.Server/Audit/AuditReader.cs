using Exchange.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Audit;

/// <summary>Reads the audit log.</summary>
public sealed class AuditReader(ExchangeDbContext db)
{
    /// <summary>The kinds of target whose events describe an authority's access: its credentials, break-glass changes, grants, the authority itself.</summary>
    public static readonly IReadOnlyList<string> AccessTargets = ["credential", "credential_change", "grant", "authority"];

    /// <summary>Events in chain order, optionally of one actor.</summary>
    public async Task<(IReadOnlyList<AuditEventEntity> Page, long? LastSequence)> ListAsync(string? actorAuthorityId, long afterSequence, int pageSize, CancellationToken cancellationToken)
    {
        var query = db.AuditEvents.AsNoTracking().Where(e => e.Sequence > afterSequence);
        if (!string.IsNullOrEmpty(actorAuthorityId))
        {
            query = query.Where(e => e.ActorAuthorityId == actorAuthorityId);
        }
        var rows = await query.OrderBy(e => e.Sequence).Take(pageSize + 1).ToListAsync(cancellationToken);
        return rows.Count > pageSize ? (rows[..pageSize], rows[pageSize - 1].Sequence) : (rows, null);
    }

    /// <summary>Events about one authority (its subject), of the given target kinds, newest first, before a sequence number (null: from the newest).</summary>
    public async Task<(IReadOnlyList<AuditEventEntity> Page, long? LastSequence)> ListAboutAsync(string subjectAuthorityId, IReadOnlyList<string> targetTypes, long? beforeSequence, int pageSize, CancellationToken cancellationToken)
    {
        var query = db.AuditEvents.AsNoTracking().Where(e => e.SubjectAuthorityId == subjectAuthorityId && targetTypes.Contains(e.TargetType));
        if (beforeSequence is { } before)
        {
            query = query.Where(e => e.Sequence < before);
        }
        var rows = await query.OrderByDescending(e => e.Sequence).Take(pageSize + 1).ToListAsync(cancellationToken);
        return rows.Count > pageSize ? (rows[..pageSize], rows[pageSize - 1].Sequence) : (rows, null);
    }
}
