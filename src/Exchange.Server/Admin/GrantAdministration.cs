using Exchange.Server.Audit;
using Exchange.Server.Authorization;
using Exchange.Server.Storage;
using Exchange.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Admin;

/// <summary>Granting and revoking scopes. Revoked grants stay, marked revoked, for audit.</summary>
public sealed class GrantAdministration(ExchangeDbContext db, AuditLog audit, TimeProvider time)
{
    public async Task<GrantEntity> CreateAsync(string authorityId, string scope, DateTimeOffset? validFrom, DateTimeOffset? validTo, string reason, string actor, CancellationToken cancellationToken)
    {
        var authority = await db.Authorities.AsNoTracking().FirstOrDefaultAsync(a => a.Id == authorityId, cancellationToken)
            ?? throw new DomainException(DomainError.NotFound, "No such authority.");
        if (!AccessPolicy.MayHold(authority.Kind, scope))
        {
            throw new DomainException(DomainError.PermissionDenied, $"An authority of kind {authority.Kind} may never hold the scope {scope}.");
        }
        var now = time.GetUtcNow();
        var grant = new GrantEntity
        {
            Id = Guid.NewGuid().ToString(),
            AuthorityId = authorityId,
            Scope = scope,
            ValidFrom = validFrom ?? now,
            ValidTo = validTo,
            GrantedBy = actor,
            Reason = reason,
            CreatedAt = now,
        };
        db.Grants.Add(grant);
        await audit.SaveWithAuditAsync(db, new AuditRecord(actor, "grant.created", "grant", grant.Id), cancellationToken);
        return grant;
    }

    public async Task<GrantEntity> RevokeAsync(string grantId, string reason, string actor, CancellationToken cancellationToken)
    {
        var grant = await db.Grants.FirstOrDefaultAsync(g => g.Id == grantId, cancellationToken)
            ?? throw new DomainException(DomainError.NotFound, "No such grant.");
        if (grant.RevokedAt is not null)
        {
            throw new DomainException(DomainError.FailedPrecondition, "The grant is already revoked.");
        }
        grant.RevokedAt = time.GetUtcNow();
        grant.RevokedBy = actor;
        grant.RevokeReason = reason;
        await audit.SaveWithAuditAsync(db, new AuditRecord(actor, "grant.revoked", "grant", grant.Id), cancellationToken);
        return grant;
    }

    public async Task<(IReadOnlyList<GrantEntity> Page, string? LastKey)> ListAsync(string? authorityId, bool includeInactive, string? afterKey, int pageSize, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var query = db.Grants.AsNoTracking().AsQueryable();
        if (!string.IsNullOrEmpty(authorityId))
        {
            query = query.Where(g => g.AuthorityId == authorityId);
        }
        if (!includeInactive)
        {
            query = query.Where(g => g.RevokedAt == null && (g.ValidTo == null || g.ValidTo > now));
        }
        // Grant ids are random, so the keyset is (creation time, id), newest first.
        if (ParseKey(afterKey) is { } after)
        {
            query = query.Where(g => g.CreatedAt < after.CreatedAt || (g.CreatedAt == after.CreatedAt && g.Id.CompareTo(after.Id) > 0));
        }
        var rows = await query.OrderByDescending(g => g.CreatedAt).ThenBy(g => g.Id).Take(pageSize + 1).ToListAsync(cancellationToken);
        if (rows.Count <= pageSize)
        {
            return (rows, null);
        }
        var last = rows[pageSize - 1];
        return (rows[..pageSize], $"{last.CreatedAt.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture)}:{last.Id}");
    }

    /// <summary>Whether a decoded page key has the shape this list writes.</summary>
    public static bool IsPageKey(string key) => ParseKey(key) is not null;

    private static (DateTimeOffset CreatedAt, string Id)? ParseKey(string? key)
    {
        var parts = key?.Split(':', 2);
        return parts is { Length: 2 } && long.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var ticks) && ticks >= 0 && ticks <= DateTimeOffset.MaxValue.UtcTicks
            ? (new DateTimeOffset(ticks, TimeSpan.Zero), parts[1])
            : null;
    }

    public static Exchange.V1.GrantState StateAt(GrantEntity grant, DateTimeOffset now) =>
        grant.RevokedAt is not null ? Exchange.V1.GrantState.Revoked
        : now < grant.ValidFrom ? Exchange.V1.GrantState.Pending
        : grant.ValidTo is not null && now >= grant.ValidTo ? Exchange.V1.GrantState.Expired
        : Exchange.V1.GrantState.Active;
}
