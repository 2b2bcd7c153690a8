using Exchange.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Audit;

/// <summary>Reads the audit log.</summary>
public sealed class AuditReader(ExchangeDbContext db)
{
    /// <summary>The kinds of target whose events describe an authority's access: its credentials, break-glass changes, grants, the authority itself.</summary>
    public static readonly IReadOnlyList<string> AccessTargets = ["credential", "credential_change", "grant", "authority"];

    /// <summary>Which events, in which order: of one actor (or one of its members), about one authority, of one action or target (each or all), in a time range (start inclusive, end exclusive).</summary>
    public sealed record Filter(string? ActorAuthorityId, DateTimeOffset? From, DateTimeOffset? Until, bool NewestFirst)
    {
        public string? SubjectAuthorityId { get; init; }
        public string? Action { get; init; }
        public string? TargetType { get; init; }
        public string? TargetId { get; init; }
        public string? ActorMemberId { get; init; }
    }

    /// <summary>Events in chain order (or newest first), after the sequence number of the previous page's last event.</summary>
    public async Task<(IReadOnlyList<AuditEventEntity> Page, long? LastSequence)> ListAsync(Filter filter, long? afterSequence, int pageSize, CancellationToken cancellationToken)
    {
        var query = db.AuditEvents.AsNoTracking().AsQueryable();
        if (!string.IsNullOrEmpty(filter.ActorAuthorityId))
        {
            query = query.Where(e => e.ActorAuthorityId == filter.ActorAuthorityId);
        }
        if (!string.IsNullOrEmpty(filter.SubjectAuthorityId))
        {
            query = query.Where(e => e.SubjectAuthorityId == filter.SubjectAuthorityId);
        }
        if (!string.IsNullOrEmpty(filter.Action))
        {
            query = query.Where(e => e.Action == filter.Action);
        }
        if (!string.IsNullOrEmpty(filter.TargetType))
        {
            query = query.Where(e => e.TargetType == filter.TargetType);
        }
        if (!string.IsNullOrEmpty(filter.TargetId))
        {
            query = query.Where(e => e.TargetId == filter.TargetId);
        }
        if (!string.IsNullOrEmpty(filter.ActorMemberId))
        {
            query = query.Where(e => e.ActorMemberId == filter.ActorMemberId);
        }
        if (filter.From is { } from)
        {
            query = query.Where(e => e.Time >= from);
        }
        if (filter.Until is { } until)
        {
            query = query.Where(e => e.Time < until);
        }
        if (afterSequence is { } after)
        {
            query = filter.NewestFirst ? query.Where(e => e.Sequence < after) : query.Where(e => e.Sequence > after);
        }
        query = filter.NewestFirst ? query.OrderByDescending(e => e.Sequence) : query.OrderBy(e => e.Sequence);
        var rows = await query.Take(pageSize + 1).ToListAsync(cancellationToken);
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

    /// <summary>
    /// Referral events, newest first, before a sequence number: of one referral, or (without one)
    /// those the authority did or that concern it.
    /// </summary>
    public async Task<(IReadOnlyList<AuditEventEntity> Page, long? LastSequence)> ListReferralEventsAsync(string authorityId, string? referralId, long? beforeSequence, int pageSize, CancellationToken cancellationToken)
    {
        var query = db.AuditEvents.AsNoTracking().Where(e => e.TargetType == "referral");
        query = referralId is not null
            ? query.Where(e => e.TargetId == referralId)
            : query.Where(e => e.ActorAuthorityId == authorityId || e.SubjectAuthorityId == authorityId);
        if (beforeSequence is { } before)
        {
            query = query.Where(e => e.Sequence < before);
        }
        var rows = await query.OrderByDescending(e => e.Sequence).Take(pageSize + 1).ToListAsync(cancellationToken);
        return rows.Count > pageSize ? (rows[..pageSize], rows[pageSize - 1].Sequence) : (rows, null);
    }
}
