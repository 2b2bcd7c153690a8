using Exchange.Server.Storage;
using Exchange.Server.Telemetry;
using Exchange.Server.Validation;
using Microsoft.AspNetCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Exchange.Server.Identity;

/// <summary>
/// Runs once OpenIddict has authenticated a client with a client assertion (signature, key, issuer
/// and audience checked): refuses an assertion that is not single-use, short-lived and valid now, and
/// remembers its jti until it expires.
/// </summary>
internal sealed class ClientAssertionHandler(ExchangeDbContext db, TimeProvider time, IOptions<TokenOptions> options)
    : IOpenIddictServerHandler<ProcessAuthenticationContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
        .AddFilter<OpenIddictServerHandlerFilters.RequireClientAssertionPrincipal>()
        .UseScopedHandler<ClientAssertionHandler>()
        // After the client is fully authenticated, so that only a valid assertion is remembered.
        .SetOrder(OpenIddictServerHandlers.ValidateClientCertificate.Descriptor.Order + 1_000)
        .SetType(OpenIddictServerHandlerType.Custom)
        .Build();

    public async ValueTask HandleAsync(ProcessAuthenticationContext context)
    {
        var assertion = ClientAssertionPolicy.Read(context.ClientAssertionPrincipal!);
        var now = time.GetUtcNow();
        var refusal = ClientAssertionPolicy.Refusal(assertion, now, options.Value.ClientAssertionMaxLifetime, options.Value.ClockSkew);
        if (refusal is null && !await ClientAssertionPolicy.TryRememberAsync(db, context.ClientId!, assertion.Jti!, assertion.Expires!.Value, context.CancellationToken))
        {
            refusal = "replayed";
        }
        if (refusal is not null)
        {
            // The reason is logged when the response is written; the caller learns only that authentication failed.
            context.Reject(Errors.InvalidClient, $"Client assertion refused: {refusal}.");
        }
    }
}

/// <summary>
/// Every failed client authentication gets one answer, whatever failed (unknown client id, wrong
/// secret, bad or replayed assertion, revoked credential), so that the endpoint confirms nothing to a
/// guesser. The reason is logged as a structured event (at most 20 a minute, with a count of the rest),
/// never with the secret or assertion, and the request is marked failed for the throttle.
/// </summary>
internal sealed partial class ClientAuthenticationFailureHandler(TimeProvider time, IServiceScopeFactory scopes, ILogger<ClientAuthenticationFailureHandler> logger)
    : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    public const string Description = "Client authentication failed.";

    private readonly LogThrottle logThrottle = new(time, lines: 20, TimeSpan.FromMinutes(1));

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
        .UseSingletonHandler<ClientAuthenticationFailureHandler>()
        // Before the HTTP status and WWW-Authenticate header are derived from the error.
        .SetOrder(OpenIddict.Server.AspNetCore.OpenIddictServerAspNetCoreHandlers.AttachHttpResponseCode<ApplyTokenResponseContext>.Descriptor.Order - 1_000)
        .SetType(OpenIddictServerHandlerType.Custom)
        .Build();

    public async ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        var authentication = context.Transaction.GetProperty<ProcessAuthenticationContext>(typeof(ProcessAuthenticationContext).FullName!);
        if (authentication is not { IsRejected: true } && context.Error != Errors.InvalidClient)
        {
            return;
        }
        if (authentication is { IsRejected: true, Error: Errors.InvalidGrant or Errors.InvalidRequest } && context.Request?.IsTokenExchangeGrantType() == true)
        {
            // The client authenticated; the person's ID token it presented did not pass (People/PersonSubjectTokenHandler).
            return;
        }
        var reason = authentication is { IsRejected: true } ? authentication.ErrorDescription ?? authentication.Error : context.Response.ErrorDescription;
        context.Response.Error = Errors.InvalidClient;
        context.Response.ErrorDescription = Description;
        context.Response.ErrorUri = null;

        var http = context.Transaction.GetHttpRequest()?.HttpContext;
        if (http is not null)
        {
            TokenEndpointGuard.MarkFailed(http);
        }
        if (logThrottle.ShouldLog(out var heldBack))
        {
            var clientId = context.Request?.ClientId;
            var known = Identifiers.IsAuthorityId(clientId);
            if (known && context.Request?.ClientAssertion is { } assertion && ClientAssertionPolicy.KeyIdOf(assertion) is { } keyId)
            {
                reason = await KeyReasonAsync(clientId!, keyId, context.CancellationToken) ?? reason;
            }
            Failed(logger, known ? clientId! : "(malformed)", http?.Connection.RemoteIpAddress?.ToString() ?? "", reason ?? "", heldBack);
        }
    }

    /// <summary>
    /// OpenIddict says only that it found no key for the assertion, whether the key was revoked or
    /// never registered; the operator helping a vendor needs to know which. Logged, never answered.
    /// </summary>
    private async Task<string?> KeyReasonAsync(string clientId, string keyId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
        var keys = await db.Credentials.AsNoTracking()
            .Where(c => c.AuthorityId == clientId && c.Kind == CredentialKind.PublicKey)
            .Select(c => new { c.KeyId, c.RevokedAt })
            .ToListAsync(cancellationToken);
        var named = keys.Where(k => k.KeyId == keyId).ToList();
        if (named.Count == 0)
        {
            return $"the assertion names key id \"{Printable(keyId)}\", which is not registered for this authority ({keys.Count(k => k.RevokedAt is null)} active keys)";
        }
        return named.All(k => k.RevokedAt is not null)
            ? $"the assertion is signed with key id \"{Printable(keyId)}\", which was revoked at {named.Max(k => k.RevokedAt)!.Value:u}"
            : null;
    }

    // A key id is the caller's choice: only printable ASCII reaches the log.
    private static string Printable(string value) => new(value.Take(200).Select(c => c is >= ' ' and <= '~' and not '"' ? c : '?').ToArray());

    [LoggerMessage(17, LogLevel.Warning, "Client authentication failed for {ClientId} from {RemoteAddress}: {Reason} (and {Suppressed} more since the last such line)")]
    private static partial void Failed(ILogger logger, string clientId, string remoteAddress, string reason, int suppressed);
}
