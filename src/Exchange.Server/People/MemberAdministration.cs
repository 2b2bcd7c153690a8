using System.Security.Cryptography;
using Exchange.Contracts;
using Exchange.Server.Audit;
using Exchange.Server.Authorization;
using Exchange.Server.Storage;
using Exchange.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.People;

/// <summary>
/// Who may act for an authority in the web app. Operators manage every authority's members; a person
/// with the local administrator role manages their own authority's only, and never gives the operator
/// role. Every change is audited, with the person who made it.
/// </summary>
public sealed class MemberAdministration(ExchangeDbContext db, AuditLog audit, TimeProvider time)
{
    public async Task<MemberEntity> AddAsync(Caller caller, string authorityId, string personReference, string displayName, IReadOnlyList<MemberRoleKind> roles, CancellationToken cancellationToken)
    {
        MayManage(caller, authorityId, roles);
        var authority = await db.Authorities.AsNoTracking().FirstOrDefaultAsync(a => a.Id == authorityId, cancellationToken)
            ?? throw new DomainException(DomainError.NotFound, "No such authority.");
        RolesFit(authority, roles);
        var member = new MemberEntity
        {
            Id = NewId(),
            AuthorityId = authorityId,
            PersonReference = personReference,
            DisplayName = displayName,
            Roles = [.. roles],
            CreatedAt = time.GetUtcNow(),
            CreatedByAuthorityId = caller.AuthorityId,
            CreatedByMemberId = caller.MemberId ?? "",
        };
        await audit.SaveWithAuditAsync(db, new AuditRecord(caller.AuthorityId, "member.added", "member", member.Id) { SubjectAuthorityId = authorityId }, async () =>
        {
            // Inside the audit lock, so that two identical requests at once do not both pass.
            if (await db.Members.AnyAsync(m => m.AuthorityId == authorityId && m.PersonReference == personReference, cancellationToken))
            {
                throw new DomainException(DomainError.AlreadyExists, "The person is already a member of this authority.");
            }
            db.Members.Add(member);
        }, cancellationToken);
        return member;
    }

    public async Task<IReadOnlyList<MemberEntity>> ListAsync(Caller caller, string authorityId, CancellationToken cancellationToken)
    {
        MayManage(caller, authorityId, []);
        if (!await db.Authorities.AnyAsync(a => a.Id == authorityId, cancellationToken))
        {
            throw new DomainException(DomainError.NotFound, "No such authority.");
        }
        var members = await db.Members.AsNoTracking().Where(m => m.AuthorityId == authorityId).ToListAsync(cancellationToken);
        return [.. members.OrderBy(m => m.DisplayName, StringComparer.CurrentCulture).ThenBy(m => m.Id, StringComparer.Ordinal)];
    }

    public async Task<MemberEntity> UpdateRolesAsync(Caller caller, string memberId, IReadOnlyList<MemberRoleKind> roles, CancellationToken cancellationToken)
    {
        var member = await FindAsync(caller, memberId, roles, cancellationToken);
        var authority = await db.Authorities.AsNoTracking().FirstAsync(a => a.Id == member.AuthorityId, cancellationToken);
        RolesFit(authority, roles);
        if (!caller.Has(Scopes.Admin) && member.Roles.Contains(MemberRoleKind.Operator))
        {
            throw new DomainException(DomainError.PermissionDenied, "Only an operator changes an operator's roles.");
        }
        await audit.SaveWithAuditAsync(db, new AuditRecord(caller.AuthorityId, "member.roles-changed", "member", member.Id) { SubjectAuthorityId = member.AuthorityId }, () =>
        {
            member.Roles = [.. roles];
            // The person's tokens name the version they were issued at: the change ends them.
            member.Version++;
            return Task.CompletedTask;
        }, cancellationToken);
        return member;
    }

    public async Task RemoveAsync(Caller caller, string memberId, CancellationToken cancellationToken)
    {
        var member = await FindAsync(caller, memberId, [], cancellationToken);
        if (!caller.Has(Scopes.Admin) && member.Roles.Contains(MemberRoleKind.Operator))
        {
            throw new DomainException(DomainError.PermissionDenied, "Only an operator removes an operator.");
        }
        await audit.SaveWithAuditAsync(db, new AuditRecord(caller.AuthorityId, "member.removed", "member", member.Id) { SubjectAuthorityId = member.AuthorityId }, () =>
        {
            db.Members.Remove(member);
            return Task.CompletedTask;
        }, cancellationToken);
    }

    private async Task<MemberEntity> FindAsync(Caller caller, string memberId, IReadOnlyList<MemberRoleKind> roles, CancellationToken cancellationToken)
    {
        var member = await db.Members.FirstOrDefaultAsync(m => m.Id == memberId, cancellationToken);
        // Another authority's member is reported as missing: a local administrator learns nothing of other authorities.
        if (member is null || (!caller.Has(Scopes.Admin) && member.AuthorityId != caller.AuthorityId))
        {
            throw new DomainException(DomainError.NotFound, "No such member.");
        }
        MayManage(caller, member.AuthorityId, roles);
        return member;
    }

    /// <summary>An operator manages every authority; a local administrator (a person with the members scope) only their own, without the operator role.</summary>
    private static void MayManage(Caller caller, string authorityId, IReadOnlyList<MemberRoleKind> roles)
    {
        if (caller.Has(Scopes.Admin))
        {
            return;
        }
        if (!caller.Has(Scopes.Members) || caller.MemberId is null || caller.AuthorityId != authorityId)
        {
            throw new DomainException(DomainError.PermissionDenied, "A local administrator manages the members of their own authority only.");
        }
        if (roles.Contains(MemberRoleKind.Operator))
        {
            throw new DomainException(DomainError.PermissionDenied, "Only an operator gives the operator role.");
        }
    }

    private static void RolesFit(AuthorityEntity authority, IReadOnlyList<MemberRoleKind> roles)
    {
        if (authority.Kind == PartyKind.WebApp)
        {
            throw DomainException.FailedPrecondition("NO_MEMBERS_OF_WEB_APPS", authority.Id, "A web app party has no members: people are members of the authorities they act for.");
        }
        if (roles.Contains(MemberRoleKind.Operator) && authority.Kind != PartyKind.Operator)
        {
            throw DomainException.FailedPrecondition("OPERATOR_ROLE", authority.Id, "The operator role is only for members of an operator authority.");
        }
    }

    private static string NewId() => "m-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
