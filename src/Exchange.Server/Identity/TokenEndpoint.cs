using System.Security.Claims;
using Exchange.Server.Authorization;
using Exchange.Server.Storage;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using Scopes = Exchange.Contracts.Scopes;

namespace Exchange.Server.Identity;

/// <summary>
/// The token endpoint's decision, after OpenIddict has authenticated the client: an access token
/// carries only the scopes the authority holds a valid grant for right now.
/// </summary>
internal static class TokenEndpoint
{
    public const string Path = "/connect/token";

    public static IEndpointRouteBuilder MapTokenEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Path, IssueAsync);
        return endpoints;
    }

    private static async Task<IResult> IssueAsync(HttpContext context, ExchangeDbContext db, TimeProvider time, IOptions<TokenOptions> options, ILoggerFactory loggers)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict request cannot be retrieved.");
        if (!request.IsClientCredentialsGrantType() && !request.IsTokenExchangeGrantType())
        {
            return Refuse(Errors.UnsupportedGrantType, "Only the client_credentials grant, and token exchange for a web app, are supported.");
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
        // authority's token version as read: a revocation committing in between raises the version,
        // and then the token is refused on use.
        if (await PresentedCredentialAsync(db, request, authorityId, context.RequestAborted) is null)
        {
            IdentityLog.TokenRefused(logger, authorityId, "credential revoked");
            return Refuse(Errors.InvalidClient, "The credential has been revoked.");
        }

        if (request.IsTokenExchangeGrantType())
        {
            var decision = await context.RequestServices.GetRequiredService<People.PersonTokens>().DecideAsync(context, authority, request, context.RequestAborted);
            return decision.Principal is { } person
                ? Results.SignIn(person, new AuthenticationProperties(new Dictionary<string, string?>(), decision.Parameters.ToDictionary()), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)
                : Refuse(decision.Error!, decision.Description!, decision.Parameters);
        }

        var usable = await CallerAdmission.UsableScopesAsync(db, authority, time.GetUtcNow(), context.RequestAborted);
        var requested = request.GetScopes();
        // Asking for nothing means every granted scope; the account scope only when asked for by name.
        var scopes = requested.IsEmpty ? usable.Where(s => s != Scopes.Account).ToArray() : requested.ToArray();
        var missing = scopes.Where(s => !usable.Contains(s)).ToArray();
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
        identity.SetClaim(TokenClaims.TokenVersion, authority.TokenVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        identity.SetScopes(scopes);
        if (scopes.Contains(Scopes.Account))
        {
            // Managing credentials needs recent proof of a current one: such a token is short-lived.
            identity.SetAccessTokenLifetime(options.Value.AccountTokenLifetime);
        }
        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        IdentityLog.TokenIssued(logger, authorityId, string.Join(' ', scopes));
        Telemetry.ExchangeMetrics.TokensIssued.Add(1, new KeyValuePair<string, object?>(Telemetry.CallTelemetryInterceptor.AuthorityTag, authorityId));
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>The active credential this request authenticated with, or null when it no longer counts.</summary>
    private static async Task<CredentialEntity?> PresentedCredentialAsync(ExchangeDbContext db, OpenIddictRequest request, string authorityId, CancellationToken cancellationToken)
    {
        var active = db.Credentials.AsNoTracking().Where(c => c.AuthorityId == authorityId && c.RevokedAt == null);
        if (!string.IsNullOrEmpty(request.ClientAssertion))
        {
            var keyId = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(request.ClientAssertion).Kid;
            return string.IsNullOrEmpty(keyId)
                ? null
                : await active.FirstOrDefaultAsync(c => c.Kind == CredentialKind.PublicKey && c.KeyId == keyId, cancellationToken);
        }
        if (!string.IsNullOrEmpty(request.ClientSecret))
        {
            var hash = CredentialRegistry.HashSecret(request.ClientSecret);
            return await active.FirstOrDefaultAsync(c => c.Kind == CredentialKind.ClientSecret && c.SecretHash == hash, cancellationToken);
        }
        return null;
    }

    private static IResult Refuse(string error, string description, IReadOnlyDictionary<string, object?>? parameters = null) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }, parameters?.ToDictionary() ?? []),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}

internal static partial class IdentityLog
{
    [LoggerMessage(10, LogLevel.Information, "Access token issued to {AuthorityId} for {Scopes}")]
    public static partial void TokenIssued(ILogger logger, string authorityId, string scopes);

    [LoggerMessage(11, LogLevel.Warning, "Access token refused to {AuthorityId}: {Reason}")]
    public static partial void TokenRefused(ILogger logger, string authorityId, string reason);


}
