using System.Globalization;
using System.Security.Claims;
using Exchange.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Identity;

/// <summary>
/// What a client assertion (private_key_jwt) must be beyond a valid signature, which OpenIddict has
/// checked: single-use (a <c>jti</c>), short-lived (an <c>exp</c> at most the configured lifetime
/// away, also from its <c>iat</c>) and valid now (no <c>iat</c> or <c>nbf</c> in the future beyond
/// the clock skew).
/// </summary>
public static class ClientAssertionPolicy
{
    public const int MaxJtiLength = 200;

    /// <summary>The claims that decide, read from the assertion.</summary>
    public sealed record Claims(string? Jti, DateTimeOffset? Expires, DateTimeOffset? IssuedAt, DateTimeOffset? NotBefore);

    /// <summary>Why the assertion is refused, in a few words for the log (never shown to the caller), or null.</summary>
    public static string? Refusal(Claims claims, DateTimeOffset now, TimeSpan maxLifetime, TimeSpan clockSkew)
    {
        // Printable only: it is stored, and PostgreSQL refuses a NUL in text.
        if (string.IsNullOrEmpty(claims.Jti) || claims.Jti.Length > MaxJtiLength || claims.Jti.Any(char.IsControl))
        {
            return "no jti";
        }
        if (claims.Expires is not { } expires)
        {
            return "no exp";
        }
        if (expires <= now - clockSkew)
        {
            return "expired";
        }
        if (expires > now + maxLifetime + clockSkew)
        {
            return "lifetime too long";
        }
        if (claims.IssuedAt > now + clockSkew)
        {
            return "issued in the future";
        }
        if (expires - claims.IssuedAt > maxLifetime + clockSkew)
        {
            return "lifetime too long";
        }
        if (claims.NotBefore is { } notBefore && notBefore > now + clockSkew)
        {
            return "not yet valid";
        }
        return null;
    }

    /// <summary>Reads the deciding claims from a validated assertion (OpenIddict keeps the dates also as its own claims).</summary>
    /// <summary>
    /// The key id in an assertion's header, read without validating it: only to tell an operator,
    /// after it was refused, which key it claimed. Null when it is not a JWT with a kid.
    /// </summary>
    public static string? KeyIdOf(string assertion)
    {
        try
        {
            var kid = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(assertion).Kid;
            return string.IsNullOrEmpty(kid) ? null : kid;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    public static Claims Read(ClaimsPrincipal assertion) => new(
        assertion.FindFirst("jti")?.Value,
        Time(assertion, "exp", "oi_exp_dt"),
        Time(assertion, "iat", "oi_crt_dt"),
        Time(assertion, "nbf", null));

    private static DateTimeOffset? Time(ClaimsPrincipal principal, string jwtClaim, string? internalClaim)
    {
        if (principal.FindFirst(jwtClaim)?.Value is { } seconds && long.TryParse(seconds, NumberStyles.Integer, CultureInfo.InvariantCulture, out var unix))
        {
            return DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(unix, 0, 253402300799));
        }
        return internalClaim is not null && principal.FindFirst(internalClaim)?.Value is { } date
            && DateTimeOffset.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : null;
    }

    /// <summary>
    /// Remembers the assertion until it expires; false when it was used before. The primary key on
    /// (client id, jti) decides, so concurrent requests and two servers on one database agree; a
    /// conflict inserts nothing (no error, nothing logged), which is how a replay is told.
    /// </summary>
    public static async Task<bool> TryRememberAsync(ExchangeDbContext db, string clientId, string jti, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        // SQLite keeps times as UTC ticks (see SqliteExchangeDbContext); raw SQL bypasses that conversion.
        object stored = db.Database.IsSqlite() ? expires.UtcTicks : expires;
        var inserted = await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO client_assertions ("ClientId", "Jti", "ExpiresAt") VALUES ({clientId}, {jti}, {stored}) ON CONFLICT DO NOTHING""",
            cancellationToken);
        return inserted == 1;
    }
}
