using Exchange.Contracts;
using Exchange.Server.Audit;
using Exchange.Server.Authorization;
using Exchange.Server.Identity;
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
        if (!KindPolicy.MayHold(authority.Kind, scope))
        {
            // The rule, not the operator's rights, refuses it: a precondition, not a permission.
            throw DomainException.FailedPrecondition("KIND_POLICY", authorityId,
                $"An authority of kind {authority.Kind.ToString().ToLowerInvariant()} may never hold the scope {scope} (see the kind policy in README.md).");
        }
        var now = time.GetUtcNow();
        if (validTo is { } end && end <= now)
        {
            throw DomainException.FailedPrecondition("GRANT_ENDED", authorityId, "The grant's period has already ended; give a valid_to in the future, or none.");
        }
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
        await audit.SaveWithAuditAsync(db, new AuditRecord(actor, "grant.created", "grant", grant.Id) { SubjectAuthorityId = authorityId, Reason = reason }, async () =>
        {
            // Inside the audit lock, so that two identical requests at once do not both pass.
            var existing = await db.Grants.AsNoTracking().Where(g => g.AuthorityId == authorityId && g.Scope == scope && g.RevokedAt == null).ToListAsync(cancellationToken);
            if (existing.FirstOrDefault(g => Covers(g, grant, now)) is { } covering)
            {
                throw new DomainException(DomainError.AlreadyExists, $"Grant {covering.Id} of {scope} already covers this period.");
            }
            db.Grants.Add(grant);
        }, cancellationToken);
        return grant;
    }

    /// <summary>Whether an unrevoked grant already gives the scope for the whole (rest of the) new grant's period.</summary>
    private static bool Covers(GrantEntity existing, GrantEntity added, DateTimeOffset now) =>
        existing.ValidFrom <= (added.ValidFrom > now ? added.ValidFrom : now)
        && (existing.ValidTo is null || (added.ValidTo is not null && existing.ValidTo >= added.ValidTo));

    public async Task<GrantEntity> RevokeAsync(string grantId, string reason, string actor, CancellationToken cancellationToken)
    {
        var grant = await db.Grants.FirstOrDefaultAsync(g => g.Id == grantId, cancellationToken)
            ?? throw new DomainException(DomainError.NotFound, "No such grant.");
        await audit.SaveWithAuditAsync(db, new AuditRecord(actor, "grant.revoked", "grant", grant.Id) { SubjectAuthorityId = grant.AuthorityId, Reason = reason }, async () =>
        {
            await db.Entry(grant).ReloadAsync(cancellationToken);
            if (grant.RevokedAt is not null)
            {
                throw new DomainException(DomainError.FailedPrecondition, "The grant is already revoked.");
            }
            grant.RevokedAt = time.GetUtcNow();
            grant.RevokedBy = actor;
            grant.RevokeReason = reason;
            // Tokens issued under the grant end with it, so granting the scope again later revives none.
            await IssuedTokens.EndAllAsync(db, grant.AuthorityId, cancellationToken);
            if (grant.Scope == Scopes.Admin)
            {
                await OperatorContinuity.EnsureAsync(db, time.GetUtcNow(), cancellationToken);
            }
        }, cancellationToken);
        return grant;
    }

    public async Task<(IReadOnlyList<GrantEntity> Page, string? LastKey)> ListAsync(string? authorityId, bool includeInactive, string? afterKey, int pageSize, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var query = db.Grants.AsNoTracking().AsQueryable();
        if (!string.IsNullOrEmpty(authorityId))
        {
            if (!await db.Authorities.AnyAsync(a => a.Id == authorityId, cancellationToken))
            {
                throw new DomainException(DomainError.NotFound, "No such authority.");
            }
            query = query.Where(g => g.AuthorityId == authorityId);
        }
        if (!includeInactive)
        {
            query = query.Where(g => g.RevokedAt == null && (g.ValidTo == null || g.ValidTo > now));
        }
        // Grant ids are random, so the keyset is (creation time, id), newest first.
        if (Paging.ParseTimeKey(afterKey) is { } after)
        {
            query = query.Where(g => g.CreatedAt < after.Time || (g.CreatedAt == after.Time && g.Id.CompareTo(after.Id) > 0));
        }
        var rows = await query.OrderByDescending(g => g.CreatedAt).ThenBy(g => g.Id).Take(pageSize + 1).ToListAsync(cancellationToken);
        if (rows.Count <= pageSize)
        {
            return (rows, null);
        }
        var last = rows[pageSize - 1];
        return (rows[..pageSize], Paging.TimeKey(last.CreatedAt, last.Id));
    }

    public static GrantStatus StatusAt(GrantEntity grant, DateTimeOffset now) =>
        grant.RevokedAt is not null ? GrantStatus.Revoked
        : now < grant.ValidFrom ? GrantStatus.Pending
        : grant.ValidTo is not null && now >= grant.ValidTo ? GrantStatus.Expired
        : GrantStatus.Active;
}

/// <summary>Where a grant stands at a moment: a revoked grant stays revoked, whatever its period says.</summary>
public enum GrantStatus
{
    Pending,
    Active,
    Expired,
    Revoked,
}
