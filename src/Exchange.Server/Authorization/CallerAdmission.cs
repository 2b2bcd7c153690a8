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
/// the scope and it has a grant for it that is neither revoked nor outside its window. The store is
/// read on every call, so a disabled authority or a revoked grant is refused on its very next call.
/// </summary>
public sealed class CallerAdmission(ExchangeDbContext db, TimeProvider time)
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
        var authority = await db.Authorities.AsNoTracking().FirstOrDefaultAsync(a => a.Id == authorityId, cancellationToken);
        if (authority is null || !authority.Enabled)
        {
            return new Admission(null, authorityId, "The authority is disabled.");
        }
        if (!int.TryParse(principal.GetClaim(TokenClaims.TokenVersion), System.Globalization.CultureInfo.InvariantCulture, out var version)
            || version < authority.TokenVersion)
        {
            return new Admission(null, authorityId, "The access token has been revoked (credential, grant or authority changed); get a new one.", TokenRevoked: true);
        }
        var scopes = (await UsableScopesAsync(db, authority, time.GetUtcNow(), cancellationToken))
            .Where(principal.HasScope)
            .ToHashSet(StringComparer.Ordinal);
        if (!tokenScopes.Any(scopes.Contains))
        {
            return new Admission(null, authorityId, "The authority holds no valid grant for this call.");
        }
        return new Admission(new Caller(authority.Id, authority.Kind, authority.AreaCodes, scopes), authorityId, null);
    }

    /// <summary>
    /// The scopes an (enabled) authority may use at <paramref name="now"/>: those with a grant that is
    /// neither revoked nor outside its window and that its kind may ever hold, and the account scope,
    /// which every authority holds over its own credentials. The token endpoint issues these and every
    /// call is checked against them.
    /// </summary>
    public static async Task<HashSet<string>> UsableScopesAsync(ExchangeDbContext db, AuthorityEntity authority, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var scopes = (await db.Grants.AsNoTracking().Where(g => g.AuthorityId == authority.Id && g.RevokedAt == null).ToListAsync(cancellationToken))
            .Where(g => g.IsValidAt(now) && KindPolicy.MayHold(authority.Kind, g.Scope))
            .Select(g => g.Scope)
            .ToHashSet(StringComparer.Ordinal);
        scopes.Add(Scopes.Account);
        return scopes;
    }
}
