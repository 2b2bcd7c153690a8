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
        if (!AccessPolicy.MayHold(authority.Kind, scope))
        {
            // The rule, not the operator's rights, refuses it: a precondition, not a permission.
            throw DomainException.FailedPrecondition("KIND_POLICY", authorityId,
                $"An authority of kind {authority.Kind.ToString().ToLowerInvariant()} may never hold the scope {scope} (see the kind policy in README.md).");
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
        await audit.SaveWithAuditAsync(db, new AuditRecord(actor, "grant.created", "grant", grant.Id) { SubjectAuthorityId = authorityId }, cancellationToken);
        return grant;
    }

    public async Task<GrantEntity> RevokeAsync(string grantId, string reason, string actor, CancellationToken cancellationToken)
    {
        var grant = await db.Grants.FirstOrDefaultAsync(g => g.Id == grantId, cancellationToken)
            ?? throw new DomainException(DomainError.NotFound, "No such grant.");
        await audit.SaveWithAuditAsync(db, new AuditRecord(actor, "grant.revoked", "grant", grant.Id) { SubjectAuthorityId = grant.AuthorityId }, async () =>
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

    public static Exchange.V1.GrantState StateAt(GrantEntity grant, DateTimeOffset now) =>
        grant.RevokedAt is not null ? Exchange.V1.GrantState.Revoked
        : now < grant.ValidFrom ? Exchange.V1.GrantState.Pending
        : grant.ValidTo is not null && now >= grant.ValidTo ? Exchange.V1.GrantState.Expired
        : Exchange.V1.GrantState.Active;
}
