using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;

namespace Exchange.Server.Authorization;

/// <summary>
/// Access tokens this server has already validated, until they expire. A client sends the same token
/// on every call until it renews it, and checking its signature and claims again each time costs more
/// than the rest of a small call. Nothing a token grants is taken from here: every call is still
/// admitted against the store by <see cref="CallerAdmission"/>, which also refuses tokens issued before
/// a revocation (their token version), so a cached token never outlives a revocation.
/// </summary>
public sealed class ValidatedTokens(TimeProvider time)
{
    // Far more than the tokens live at once (one or two per authority); a flood of distinct valid
    // tokens can only come from the token endpoint, which throttles.
    internal const int MaxEntries = 50_000;

    private readonly ConcurrentDictionary<string, (AuthenticationTicket Ticket, DateTimeOffset Expires)> entries = new(StringComparer.Ordinal);

    public AuthenticationTicket? Find(string token)
    {
        if (!entries.TryGetValue(token, out var entry))
        {
            return null;
        }
        if (entry.Expires > time.GetUtcNow())
        {
            return entry.Ticket;
        }
        entries.TryRemove(token, out _);
        return null;
    }

    public void Add(string token, AuthenticationTicket ticket)
    {
        if (ticket.Principal.GetExpirationDate() is not { } expires)
        {
            return;
        }
        if (entries.Count >= MaxEntries)
        {
            entries.Clear();
        }
        entries[token] = (ticket, expires);
    }
}

/// <summary>
/// The exchange's bearer scheme: a token seen before is taken from <see cref="ValidatedTokens"/>;
/// any other is validated by OpenIddict, which also answers challenges and refusals.
/// </summary>
internal sealed class CachedBearerHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ValidatedTokens tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "exchange-bearer";

    private const string BearerPrefix = "Bearer ";

    /// <summary>
    /// Whether routing sent the request to a gRPC method. Decided by the endpoint, not the content type
    /// a caller may set on any request (the token endpoint included).
    /// </summary>
    public static bool IsGrpcMethod(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<Grpc.AspNetCore.Server.GrpcMethodMetadata>() is not null;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization;
        if (header.Count == 0)
        {
            // Nothing to validate (health, the benchmark's echo, or a call to be refused): no need to ask OpenIddict.
            return AuthenticateResult.NoResult();
        }
        var token = header.Count == 1 && header[0] is { } value && value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            ? value[BearerPrefix.Length..].Trim()
            : null;
        if (!string.IsNullOrEmpty(token) && tokens.Find(token) is { } known)
        {
            return AuthenticateResult.Success(new AuthenticationTicket(known.Principal, known.Properties, SchemeName));
        }
        if (IsGrpcMethod(Context) && await Context.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>()
                .GetHandlerAsync(Context, OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme) is IAuthenticationRequestHandler validation
            && await validation.HandleRequestAsync())
        {
            // The authentication middleware skips gRPC calls (IdentityExtensions), so OpenIddict's
            // validation sets itself up here, for the calls that need it: those with a new token.
            return AuthenticateResult.NoResult();
        }
        var result = await Context.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        if (result.Succeeded && !string.IsNullOrEmpty(token))
        {
            tokens.Add(token, result.Ticket);
        }
        return result;
    }
}
