using Exchange.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Audit;

/// <summary>Reads the audit log in chain order.</summary>
public sealed class AuditReader(ExchangeDbContext db)
{
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
}
