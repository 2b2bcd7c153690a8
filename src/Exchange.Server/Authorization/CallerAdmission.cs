using System.Security.Claims;
using Exchange.Server.Storage;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;
using Scopes = Exchange.Contracts.Scopes;

namespace Exchange.Server.Authorization;

/// <summary>The outcome of checking a call: the admitted caller, or why it is refused.</summary>
public sealed record Admission(Caller? Caller, string? AuthorityId, string? Refusal, bool TokenRevoked = false)
{
    public bool Allowed => Caller is not null;
}

/// <summary>
/// Decides whether a token's holder may make a call now: the token must carry one of the RPC's
/// scopes, and the store must say, at this moment, that the authority is enabled, its kind may hold
/// the scope and it has a grant for it that is neither revoked nor outside its window. The
/// authority and its grants come from <see cref="AdmissionCache"/> while the store's admission stamp
/// is unchanged (every change to authorities or grants raises it), so a disabled authority or a
/// revoked grant is still refused on its very next call; grant windows are judged at each call.
/// </summary>
public sealed class CallerAdmission(ExchangeDbContext db, AdmissionCache cache, StoreChanges changes, TimeProvider time)
{
    public async Task<Admission> AdmitAsync(ClaimsPrincipal principal, IReadOnlyList<string> requiredScopes, CancellationToken cancellationToken)
    {
        var authorityId = principal.GetClaim(Claims.Subject);
        if (string.IsNullOrEmpty(authorityId))
        {
            return new Admission(null, null, "The access token names no authority.");
        }
        var tokenScopes = requiredScopes.Where(principal.HasScope).ToArray();
        if (tokenScopes.Length == 0)
        {
            return new Admission(null, authorityId, $"The access token lacks a required scope ({string.Join(" or ", requiredScopes)}).");
        }
        var (authority, grants) = await StateAsync(authorityId, cancellationToken);
        if (authority is null || !authority.Enabled)
        {
            return new Admission(null, authorityId, "The authority is disabled.");
        }
        if (!int.TryParse(principal.GetClaim(TokenClaims.TokenVersion), System.Globalization.CultureInfo.InvariantCulture, out var version)
            || version < authority.TokenVersion)
        {
            return new Admission(null, authorityId, "The access token has been revoked (credential, grant or authority changed); get a new one.", TokenRevoked: true);
        }
        var authorityScopes = UsableScopes(authority, grants, time.GetUtcNow());
        var memberId = principal.GetClaim(TokenClaims.Member);
        if (memberId is not null)
        {
            // A person's token: the membership is read on every call, so that removing a person or
            // changing their roles ends what they may do at once, not when the token expires.
            var member = await db.Members.AsNoTracking().FirstOrDefaultAsync(m => m.Id == memberId, cancellationToken);
            if (member is null || member.AuthorityId != authority.Id
                || principal.GetClaim(TokenClaims.MemberVersion) != member.Version.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                return new Admission(null, authorityId, "The person's membership has changed or ended; get a new token.", TokenRevoked: true);
            }
            authorityScopes = MemberRoles.UsableScopes(member.Roles, authorityScopes);
        }
        var scopes = authorityScopes.Where(principal.HasScope).ToHashSet(StringComparer.Ordinal);
        if (!tokenScopes.Any(scopes.Contains))
        {
            return new Admission(null, authorityId, memberId is null
                ? "The authority holds no valid grant for this call."
                : "Neither the person's roles nor the authority's grants allow this call.");
        }
        return new Admission(new Caller(authority.Id, authority.Kind, authority.AreaCodes, scopes, memberId), authorityId, null);
    }

    /// <summary>
    /// The scopes an (enabled) authority may use at <paramref name="now"/>: those with a grant that is
    /// neither revoked nor outside its window and that its kind may ever hold, and the account scope,
    /// which every authority holds over its own credentials. The token endpoint issues these and every
    /// call is checked against them.
    /// </summary>
    public static async Task<HashSet<string>> UsableScopesAsync(ExchangeDbContext db, AuthorityEntity authority, DateTimeOffset now, CancellationToken cancellationToken) =>
        UsableScopes(authority, await UnrevokedGrantsAsync(db, authority.Id, cancellationToken), now);

    private static HashSet<string> UsableScopes(AuthorityEntity authority, IEnumerable<GrantEntity> unrevokedGrants, DateTimeOffset now)
    {
        var scopes = unrevokedGrants
            .Where(g => g.IsValidAt(now) && KindPolicy.MayHold(authority.Kind, g.Scope))
            .Select(g => g.Scope)
            .ToHashSet(StringComparer.Ordinal);
        scopes.Add(Scopes.Account);
        return scopes;
    }

    private static Task<List<GrantEntity>> UnrevokedGrantsAsync(ExchangeDbContext db, string authorityId, CancellationToken cancellationToken) =>
        db.Grants.AsNoTracking().Where(g => g.AuthorityId == authorityId && g.RevokedAt == null).ToListAsync(cancellationToken);

    /// <summary>The authority and its unrevoked grants, from the cache when nothing changed since they were read.</summary>
    private async Task<AdmissionCache.State> StateAsync(string authorityId, CancellationToken cancellationToken)
    {
        // The stamp is taken before reading: a change committed while reading leaves the entry older
        // than the stamp the next call sees, so it is read again.
        var stamp = await changes.AdmissionStampAsync(db, cancellationToken);
        if (cache.TryGet(authorityId, stamp) is { } cached)
        {
            return cached;
        }
        var authority = await db.Authorities.AsNoTracking().FirstOrDefaultAsync(a => a.Id == authorityId, cancellationToken);
        var state = new AdmissionCache.State(authority, authority is null ? [] : await UnrevokedGrantsAsync(db, authorityId, cancellationToken));
        cache.Set(authorityId, stamp, state);
        return state;
    }
}
