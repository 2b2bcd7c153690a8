using System.Security.Claims;
using Exchange.Server.Authorization;
using Exchange.Server.Storage;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Exchange.Server.Identity;

/// <summary>
/// The token endpoint's decision, after OpenIddict has authenticated the client: an access token
/// carries only the scopes the authority holds a valid grant for right now.
/// </summary>
internal static class TokenEndpoint
{
    public static IEndpointRouteBuilder MapTokenEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/connect/token", IssueAsync);
        return endpoints;
    }

    private static async Task<IResult> IssueAsync(HttpContext context, ExchangeDbContext db, TimeProvider time, ILoggerFactory loggers)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict request cannot be retrieved.");
        if (!request.IsClientCredentialsGrantType())
        {
            return Refuse(Errors.UnsupportedGrantType, "Only the client_credentials grant is supported.");
        }

        var authorityId = request.ClientId!;
        var logger = loggers.CreateLogger("Exchange.Server.Identity.TokenEndpoint");
        var authority = await db.Authorities.AsNoTracking().FirstOrDefaultAsync(a => a.Id == authorityId, context.RequestAborted);
        if (authority is null || !authority.Enabled)
        {
            IdentityLog.TokenRefused(logger, authorityId, "authority disabled");
            return Refuse(Errors.UnauthorizedClient, "The authority is disabled.");
        }

        // OpenIddict has authenticated the client, possibly before a revocation committed. The
        // credential is checked again after the authority was read, and the token carries the
        // authority's credentials version as read: a revocation committing in between raises the
        // version, and then the token is refused on use.
        if (await PresentedCredentialRevokedAsync(db, request, authorityId, context.RequestAborted) is { } revoked)
        {
            IdentityLog.TokenRefused(logger, authorityId, "credential revoked");
            return Refuse(Errors.InvalidClient, revoked);
        }

        var granted = await CallerAccess.GrantedScopesAsync(db, authority, time.GetUtcNow(), context.RequestAborted);

        var requested = request.GetScopes();
        var scopes = requested.IsEmpty ? [.. granted] : requested.ToArray();
        var missing = scopes.Where(s => !granted.Contains(s)).ToArray();
        if (missing.Length > 0 || scopes.Length == 0)
        {
            IdentityLog.TokenRefused(logger, authorityId, "scope not granted");
            return Refuse(Errors.InvalidScope, scopes.Length == 0
                ? "The authority holds no valid grant."
                : $"The authority holds no valid grant for: {string.Join(' ', missing)}.");
        }

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, authorityId);
        identity.SetClaim(Claims.Name, authority.Name);
        identity.SetClaim(CredentialsVersionClaim, authority.CredentialsVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        identity.SetScopes(scopes);
        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        IdentityLog.TokenIssued(logger, authorityId, string.Join(' ', scopes));
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>The claim holding the authority's credentials version at issue time.</summary>
    public const string CredentialsVersionClaim = "exchange_cv";

    /// <summary>Why the credential this request authenticated with no longer counts, or null when it does.</summary>
    private static async Task<string?> PresentedCredentialRevokedAsync(ExchangeDbContext db, OpenIddictRequest request, string authorityId, CancellationToken cancellationToken)
    {
        var active = db.Credentials.AsNoTracking().Where(c => c.AuthorityId == authorityId && c.RevokedAt == null);
        if (!string.IsNullOrEmpty(request.ClientAssertion))
        {
            var keyId = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(request.ClientAssertion).Kid;
            if (string.IsNullOrEmpty(keyId))
            {
                return "The client assertion must name its key (kid).";
            }
            return await active.AnyAsync(c => c.Kind == CredentialKind.PublicKey && c.KeyId == keyId, cancellationToken) ? null : "The key has been revoked.";
        }
        if (!string.IsNullOrEmpty(request.ClientSecret))
        {
            var hash = CredentialRegistry.HashSecret(request.ClientSecret);
            return await active.AnyAsync(c => c.Kind == CredentialKind.ClientSecret && c.SecretHash == hash, cancellationToken) ? null : "The secret has been revoked.";
        }
        return "No credential was presented.";
    }

    private static IResult Refuse(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}

internal static partial class IdentityLog
{
    [LoggerMessage(10, LogLevel.Information, "Access token issued to {AuthorityId} for {Scopes}")]
    public static partial void TokenIssued(ILogger logger, string authorityId, string scopes);

    [LoggerMessage(11, LogLevel.Warning, "Access token refused to {AuthorityId}: {Reason}")]
    public static partial void TokenRefused(ILogger logger, string authorityId, string reason);

    [LoggerMessage(12, LogLevel.Warning, "Operator credential written to {Path}; it is shown nowhere else. Keep it safe.")]
    public static partial void OperatorCredentialWritten(ILogger logger, string path);

    [LoggerMessage(13, LogLevel.Information, "Demo credential for {AuthorityId} written to {Path}")]
    public static partial void DemoCredentialWritten(ILogger logger, string authorityId, string path);
}
