using Exchange.Contracts;
using Exchange.Server.Audit;
using Exchange.Server.Authorization;
using Exchange.Server.Storage;
using Exchange.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Identity;

/// <summary>
/// Break-glass credential changes, for an authority that has lost its credential and cannot rotate
/// it itself: one operator proposes a public key the authority handed over, a second, different
/// operator approves it. Only keys: a secret would be known to the operators who handled it. The
/// authority sees the proposal and the approval in its credential events.
/// </summary>
public sealed class CredentialChanges(ExchangeDbContext db, CredentialRegistry registry, AuditLog audit, TimeProvider time)
{
    /// <summary>How long a proposal waits for the second operator.</summary>
    public static readonly TimeSpan ApprovalWindow = TimeSpan.FromHours(24);

    /// <summary>Proposes <paramref name="key"/> as a new credential of the authority.</summary>
    public async Task<CredentialChangeEntity> ProposeAsync(string authorityId, PublicJwk key, bool revokeExisting, string reason, string actor, CancellationToken cancellationToken)
    {
        await registry.FindAuthorityAsync(authorityId, cancellationToken);
        var now = time.GetUtcNow();
        var change = new CredentialChangeEntity
        {
            Id = Guid.NewGuid().ToString(),
            AuthorityId = authorityId,
            KeyId = key.KeyId,
            PublicJwk = key.Json,
            RevokeExisting = revokeExisting,
            Reason = reason,
            RequestedBy = actor,
            RequestedAt = now,
            ExpiresAt = now + ApprovalWindow,
        };
        db.CredentialChanges.Add(change);
        await audit.SaveWithAuditAsync(db, Record(actor, "credential_change.proposed", change) with { Reason = reason }, cancellationToken);
        return change;
    }

    /// <summary>
    /// Approves a pending proposal of another operator, who must still be an operator that can act,
    /// and carries it out in one transaction: revokes the authority's credentials if the proposal says
    /// so, then adds the key.
    /// </summary>
    public async Task<(CredentialChangeEntity Change, CredentialEntity Credential)> ApproveAsync(string changeId, string reason, string actor, CancellationToken cancellationToken)
    {
        var change = await FindAsync(changeId, cancellationToken);
        var authority = await registry.FindAuthorityAsync(change.AuthorityId, cancellationToken);
        CredentialEntity? credential = null;
        await audit.SaveWithAuditAsync(db, async () =>
        {
            await db.Entry(change).ReloadAsync(cancellationToken);
            EnsureDecidable(change, actor);
            await EnsureProposerStillOperatorAsync(change, cancellationToken);
            var records = new List<AuditRecord>();
            if (change.RevokeExisting)
            {
                var existing = await db.Credentials.Where(c => c.AuthorityId == authority.Id && c.RevokedAt == null).ToListAsync(cancellationToken);
                foreach (var old in existing)
                {
                    await registry.StageRevokeAsync(authority, old, actor, $"replaced by break-glass change {change.Id}", records, cancellationToken);
                }
                // Stored (not committed), so that the key is checked against what is active after the revocations.
                await db.SaveChangesAsync(cancellationToken);
            }
            credential = await registry.StageKeyAsync(authority, new PublicJwk(change.KeyId, change.PublicJwk), CredentialOrigin.BreakGlass, actor, records, cancellationToken);
            change.State = CredentialChangeState.Approved;
            change.DecidedBy = actor;
            change.DecidedAt = time.GetUtcNow();
            change.DecisionReason = reason;
            change.CredentialId = credential.Id;
            records.Add(Record(actor, "credential_change.approved", change) with { Reason = reason });
            await registry.SyncApplicationAsync(authority, newSecret: null, cancellationToken);
            if (authority.Kind == PartyKind.Operator)
            {
                await OperatorContinuity.EnsureAsync(db, time.GetUtcNow(), cancellationToken);
            }
            return records;
        }, cancellationToken);
        return (change, credential!);
    }

    /// <summary>Rejects a pending proposal; any operator, the proposer included, may withdraw or refuse it.</summary>
    public async Task<CredentialChangeEntity> RejectAsync(string changeId, string reason, string actor, CancellationToken cancellationToken)
    {
        var change = await FindAsync(changeId, cancellationToken);
        await audit.SaveWithAuditAsync(db, async () =>
        {
            await db.Entry(change).ReloadAsync(cancellationToken);
            EnsurePending(change);
            change.State = CredentialChangeState.Rejected;
            change.DecidedBy = actor;
            change.DecidedAt = time.GetUtcNow();
            change.DecisionReason = reason;
            return [Record(actor, "credential_change.rejected", change) with { Reason = reason }];
        }, cancellationToken);
        return change;
    }

    /// <summary>Proposals, newest first; only pending ones unless <paramref name="includeDecided"/>.</summary>
    public async Task<(IReadOnlyList<CredentialChangeEntity> Page, string? LastKey)> ListAsync(string? authorityId, bool includeDecided, string? afterKey, int pageSize, CancellationToken cancellationToken)
    {
        var query = db.CredentialChanges.AsNoTracking().AsQueryable();
        if (!string.IsNullOrEmpty(authorityId))
        {
            query = query.Where(c => c.AuthorityId == authorityId);
        }
        if (!includeDecided)
        {
            var now = time.GetUtcNow();
            query = query.Where(c => c.State == CredentialChangeState.Pending && c.ExpiresAt > now);
        }
        if (Paging.ParseTimeKey(afterKey) is { } after)
        {
            query = query.Where(c => c.RequestedAt < after.Time || (c.RequestedAt == after.Time && c.Id.CompareTo(after.Id) > 0));
        }
        var rows = await query.OrderByDescending(c => c.RequestedAt).ThenBy(c => c.Id).Take(pageSize + 1).ToListAsync(cancellationToken);
        return rows.Count <= pageSize ? (rows, null) : (rows[..pageSize], Paging.TimeKey(rows[pageSize - 1].RequestedAt, rows[pageSize - 1].Id));
    }

    /// <summary>The state as of now: a pending proposal past its window counts as expired.</summary>
    public bool IsExpired(CredentialChangeEntity change) => change.State == CredentialChangeState.Pending && change.ExpiresAt <= time.GetUtcNow();

    private async Task<CredentialChangeEntity> FindAsync(string changeId, CancellationToken cancellationToken) =>
        await db.CredentialChanges.FirstOrDefaultAsync(c => c.Id == changeId, cancellationToken)
        ?? throw new DomainException(DomainError.NotFound, "No such credential change.");

    private void EnsurePending(CredentialChangeEntity change)
    {
        if (change.State != CredentialChangeState.Pending)
        {
            throw DomainException.FailedPrecondition("CHANGE_DECIDED", change.Id, $"The change was already {change.State.ToString().ToLowerInvariant()}.");
        }
        if (IsExpired(change))
        {
            throw DomainException.FailedPrecondition("CHANGE_EXPIRED", change.Id, "The change was not approved in time; propose it again.");
        }
    }

    private void EnsureDecidable(CredentialChangeEntity change, string approver)
    {
        EnsurePending(change);
        if (change.RequestedBy == approver)
        {
            throw DomainException.FailedPrecondition("SECOND_OPERATOR", change.Id,
                "A break-glass change needs a second operator: the operator who proposed it cannot approve it.");
        }
    }

    /// <summary>A proposal counts only while its proposer is still an operator that can act (not disabled, not stripped of admin).</summary>
    private async Task EnsureProposerStillOperatorAsync(CredentialChangeEntity change, CancellationToken cancellationToken)
    {
        var proposer = await db.Authorities.AsNoTracking().FirstOrDefaultAsync(a => a.Id == change.RequestedBy, cancellationToken);
        if (proposer is not { Enabled: true, Kind: PartyKind.Operator }
            || !(await CallerAdmission.UsableScopesAsync(db, proposer, time.GetUtcNow(), cancellationToken)).Contains(Scopes.Admin))
        {
            throw DomainException.FailedPrecondition("PROPOSER_NOT_OPERATOR", change.Id,
                "The operator who proposed the change can no longer act as one (disabled, or without the admin grant); reject it and propose it again.");
        }
    }

    private static AuditRecord Record(string actor, string action, CredentialChangeEntity change) =>
        new(actor, action, "credential_change", change.Id) { SubjectAuthorityId = change.AuthorityId };
}
