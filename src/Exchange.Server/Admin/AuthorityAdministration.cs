using Exchange.Server.Audit;
using Exchange.Server.Authorization;
using Exchange.Server.Identity;
using Exchange.Server.Storage;
using Exchange.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Admin;

/// <summary>Registering and changing authorities; every change is audited with the operator's id.</summary>
public sealed class AuthorityAdministration(ExchangeDbContext db, AuditLog audit, TimeProvider time)
{
    public async Task<AuthorityEntity> CreateAsync(AuthorityEntity authority, string actor, CancellationToken cancellationToken, bool allowSharedOrganisationNumber = false)
    {
        authority.Enabled = true;
        authority.CreatedAt = authority.UpdatedAt = time.GetUtcNow();
        await audit.SaveWithAuditAsync(db, new AuditRecord(actor, "authority.created", "authority", authority.Id) { SubjectAuthorityId = authority.Id }, async () =>
        {
            // Inside the audit lock and transaction, so that two concurrent creations of one id get ALREADY_EXISTS, not a constraint error.
            if (await db.Authorities.AnyAsync(a => a.Id == authority.Id, cancellationToken))
            {
                throw new DomainException(DomainError.AlreadyExists, "An authority with this id already exists.");
            }
            // Operators are people of one operating organisation: they share its number by nature.
            await EnsureOrganisationNumberFreeAsync(authority.Id, authority.OrganisationNumber, allowSharedOrganisationNumber || authority.Kind == PartyKind.Operator, cancellationToken);
            db.Authorities.Add(authority);
        }, cancellationToken);
        return authority;
    }

    public async Task<AuthorityEntity> GetAsync(string authorityId, CancellationToken cancellationToken) =>
        await db.Authorities.FirstOrDefaultAsync(a => a.Id == authorityId, cancellationToken)
        ?? throw new DomainException(DomainError.NotFound, "No such authority.");

    public async Task<(IReadOnlyList<AuthorityEntity> Page, string? LastKey)> ListAsync(string? afterId, int pageSize, CancellationToken cancellationToken)
    {
        var query = db.Authorities.AsNoTracking().OrderBy(a => a.Id).AsQueryable();
        if (afterId is not null)
        {
            query = query.Where(a => a.Id.CompareTo(afterId) > 0);
        }
        var rows = await query.Take(pageSize + 1).ToListAsync(cancellationToken);
        return rows.Count > pageSize ? (rows[..pageSize], rows[pageSize - 1].Id) : (rows, null);
    }

    public async Task<AuthorityEntity> UpdateAsync(string authorityId, string name, string organisationNumber, List<string> areaCodes, List<PartyKind> acceptsReferralsFrom, bool allowSharedOrganisationNumber, string actor, CancellationToken cancellationToken)
    {
        var authority = await GetAsync(authorityId, cancellationToken);
        AuthorityRules.Check(authority.Kind, organisationNumber, areaCodes, acceptsReferralsFrom).ThrowIfAny();
        authority.Name = name;
        authority.OrganisationNumber = organisationNumber;
        authority.AreaCodes = areaCodes;
        authority.AcceptsReferralsFrom = acceptsReferralsFrom;
        authority.UpdatedAt = time.GetUtcNow();
        await audit.SaveWithAuditAsync(db, new AuditRecord(actor, "authority.updated", "authority", authority.Id) { SubjectAuthorityId = authority.Id },
            () => EnsureOrganisationNumberFreeAsync(authority.Id, organisationNumber, allowSharedOrganisationNumber, cancellationToken), cancellationToken);
        return authority;
    }

    /// <summary>An organisation number is one authority's, unless the operator says two units of one organisation share it.</summary>
    private async Task EnsureOrganisationNumberFreeAsync(string authorityId, string organisationNumber, bool allowShared, CancellationToken cancellationToken)
    {
        if (!allowShared && await db.Authorities.AsNoTracking().FirstOrDefaultAsync(a => a.OrganisationNumber == organisationNumber && a.Id != authorityId, cancellationToken) is { } other)
        {
            throw new DomainException(DomainError.AlreadyExists,
                $"Authority {other.Id} already has this organisation number; allow a shared number only for two units of one organisation.");
        }
    }

    public async Task<AuthorityEntity> SetEnabledAsync(string authorityId, bool enabled, string reason, string actor, CancellationToken cancellationToken)
    {
        var authority = await GetAsync(authorityId, cancellationToken);
        authority.Enabled = enabled;
        authority.UpdatedAt = time.GetUtcNow();
        await audit.SaveWithAuditAsync(db, new AuditRecord(actor, enabled ? "authority.enabled" : "authority.disabled", "authority", authority.Id) { SubjectAuthorityId = authority.Id, Reason = reason }, async () =>
        {
            if (!enabled)
            {
                // Its tokens end now, so that enabling it again does not bring them back.
                await IssuedTokens.EndAllAsync(db, authority.Id, cancellationToken);
                if (authority.Kind == PartyKind.Operator)
                {
                    await OperatorContinuity.EnsureAsync(db, time.GetUtcNow(), cancellationToken);
                }
            }
        }, cancellationToken);
        return authority;
    }
}

/// <summary>Rules tying an authority's kind to its organisation number and areas.</summary>
public static class AuthorityRules
{
    public static FieldViolations Check(PartyKind kind, string organisationNumber, IReadOnlyList<string> areaCodes, IReadOnlyList<PartyKind>? acceptsReferralsFrom = null, string prefix = "authority.")
    {
        var violations = new FieldViolations();
        if (kind == PartyKind.Shelter && !organisationNumber.StartsWith('8'))
        {
            violations.Add(prefix + "organisation_number", "A shelter (a non-profit association) has an organisation number starting with 8.");
        }
        // Area codes are public (kommunkoder, länskoder), so the wrong ones are named.
        string Wrong(Func<string, bool> valid) => string.Join(", ", areaCodes.Where(c => !valid(c)).Select(c => $"'{(c.Length <= 8 ? c : c[..8] + "…")}'"));
        switch (kind)
        {
            case PartyKind.Municipality:
                violations.Require(areaCodes.Count >= 1, prefix + "area_codes", "A municipality speaks for at least one kommunkod (4 digits, e.g. 2281).");
                violations.Require(areaCodes.All(Identifiers.IsMunicipalityCode), prefix + "area_codes",
                    $"Not a kommunkod (4 digits whose first two are a county code, e.g. 2281): {Wrong(Identifiers.IsMunicipalityCode)}.");
                break;
            case PartyKind.County:
                violations.Require(areaCodes.All(Identifiers.IsCountyCode), prefix + "area_codes",
                    $"A county speaks for its 2-digit county code (e.g. 22); not one: {Wrong(Identifiers.IsCountyCode)}.");
                break;
            default:
                violations.Require(areaCodes.All(c => Identifiers.IsMunicipalityCode(c) || Identifiers.IsCountyCode(c)), prefix + "area_codes",
                    $"Each area code is a kommunkod (4 digits) or a county code (2 digits); not one: {Wrong(c => Identifiers.IsMunicipalityCode(c) || Identifiers.IsCountyCode(c))}.");
                break;
        }
        violations.Require(areaCodes.Count <= 300 && areaCodes.Distinct().Count() == areaCodes.Count, prefix + "area_codes", "At most 300 codes, each once.");
        violations.Require(acceptsReferralsFrom is not { Count: > 0 } || Authorization.KindPolicy.MayHold(kind, Exchange.Contracts.Scopes.ReferralsReceive), prefix + "accepts_referrals_from",
            $"A {kind.ToString().ToLowerInvariant()} authority never receives referrals, so it takes them from no one.");
        return violations;
    }
}
