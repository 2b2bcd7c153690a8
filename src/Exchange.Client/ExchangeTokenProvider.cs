using System.Diagnostics;
using Duende.IdentityModel;
using Duende.IdentityModel.Client;
using Exchange.Client.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exchange.Client;

/// <summary>
/// Gets access tokens from the Exchange token endpoint with the OAuth 2.0 client credentials grant,
/// authenticating with a private_key_jwt client assertion (a PEM key, a key file read again when it
/// changes, or a signing callback) or a client secret. A token is cached and renewed shortly before it
/// expires; concurrent callers share one request. A refusal is remembered for a short, growing time
/// (<see cref="ExchangeClientOptions.TokenRefusalBackoff"/>) and thrown at once meanwhile.
/// </summary>
public sealed class ExchangeTokenProvider : IDisposable
{
    private readonly ExchangeClientOptions options;
    private readonly HttpClient http;
    private readonly AssertionSigner signer;
    private readonly ILogger logger;
    private readonly SemaphoreSlim renewal = new(1, 1);
    private CachedToken? current;
    private Refusal? refusal;
    private bool everIssued;

    /// <summary>Creates a provider for the given options.</summary>
    /// <exception cref="ArgumentException">The options are incomplete, or <see cref="ExchangeClientOptions.PrivateKeyPem"/> is no private key.</exception>
    public ExchangeTokenProvider(ExchangeClientOptions options)
    {
        options.Validate();
        this.options = options;
        http = new HttpClient(new Http2RequestHandler(options.CreateHttpHandler?.Invoke() ?? HttpHandlers.CreateDefault()));
        signer = new AssertionSigner(options);
        signer.LoadPem();
        logger = options.LoggerFactory?.CreateLogger(ExchangeClientDiagnostics.LogCategory) ?? NullLogger.Instance;
    }

    /// <summary>The token endpoint in use.</summary>
    public Uri TokenEndpoint => options.TokenEndpoint ?? new Uri(options.Address!, "/connect/token");

    /// <summary>Returns a cached token that is not about to expire, or gets a new one.</summary>
    /// <exception cref="ExchangeAuthenticationException">The token endpoint refused, now or within the refusal back-off.</exception>
    /// <exception cref="HttpRequestException">The token endpoint could not be reached.</exception>
    public async ValueTask<AccessToken> GetTokenAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref current) is { } cached && !IsDue(cached.RenewAt))
        {
            return cached.Token;
        }
        await renewal.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var fresh = Volatile.Read(ref current);
            if (fresh is null || IsDue(fresh.RenewAt))
            {
                fresh = await RequestAsync(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref current, fresh);
            }
            return fresh.Token;
        }
        finally
        {
            renewal.Release();
        }
    }

    /// <summary>
    /// Forgets the cached token and a remembered refusal, so the next call asks the token endpoint at once
    /// (e.g. after grants changed, or after the operators enabled the authority again).
    /// </summary>
    public void Invalidate()
    {
        Volatile.Write(ref refusal, null);
        DropToken();
    }

    /// <summary>
    /// Forgets the cached token only: what the client does when the server answers UNAUTHENTICATED. A
    /// remembered refusal stays, or a revoked key would send one token request per call again.
    /// </summary>
    internal void DropToken() => Volatile.Write(ref current, null);

    private bool IsDue(DateTimeOffset renewAt) => options.TimeProvider.GetUtcNow() >= renewAt;

    private sealed record CachedToken(AccessToken Token, DateTimeOffset RenewAt);

    /// <summary>A refusal of one credential, thrown again until <see cref="Until"/>; <see cref="Backoff"/> grows with each refusal in a row.</summary>
    private sealed record Refusal(string CredentialIdentity, string Error, string? Description, DateTimeOffset Until, TimeSpan Backoff);

    private async Task<CachedToken> RequestAsync(CancellationToken cancellationToken)
    {
        var credential = await signer.CurrentAsync(cancellationToken).ConfigureAwait(false);
        if (credential.KeyChanged)
        {
            Log.KeyChanged(logger, options.ClientId, options.KeyId);
        }
        var now = options.TimeProvider.GetUtcNow();
        // A refused credential is not asked about again until its back-off has passed; a changed one
        // (a rotated key file, a new kid) is tried at once.
        if (Volatile.Read(ref refusal) is { } refused && refused.CredentialIdentity == credential.Identity && now < refused.Until)
        {
            throw new ExchangeAuthenticationException(refused.Error, refused.Description, refused.Until);
        }

        using var activity = Telemetry.Source.StartActivity(ExchangeClientDiagnostics.TokenActivityName, ActivityKind.Client);
        activity?.SetTag(Telemetry.ClientIdTag, options.ClientId);
        activity?.SetTag("server.address", TokenEndpoint.Host);
        var request = new ClientCredentialsTokenRequest
        {
            Address = TokenEndpoint.ToString(),
            ClientId = options.ClientId,
            Scope = options.Scopes.Count == 0 ? null : string.Join(' ', options.Scopes),
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
        };
        if (credential.Assertion is { } assertion)
        {
            request.ClientAssertion = new ClientAssertion
            {
                Type = OidcConstants.ClientAssertionTypes.JwtBearer,
                Value = await assertion(now.UtcDateTime, cancellationToken).ConfigureAwait(false),
            };
        }
        else
        {
            request.ClientSecret = options.ClientSecret;
        }

        var response = await http.RequestClientCredentialsTokenAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsError)
        {
            if (response.ErrorType == ResponseErrorType.Exception && response.Exception is not null)
            {
                Outcome(activity, "unreachable", response.Exception.GetType().FullName);
                Log.TokenEndpointUnreachable(logger, options.ClientId, response.Exception);
                throw new HttpRequestException($"The Exchange token endpoint {TokenEndpoint} could not be reached: {response.Exception.Message}", response.Exception);
            }
            // invalid_client comes with 401, which IdentityModel reports by its reason phrase; the body says more.
            var (error, description) = OAuthError(response.Raw) ?? (response.Error ?? $"http_{(int)response.HttpStatusCode}", response.ErrorDescription);
            var backoff = Volatile.Read(ref refusal) is { } previous && previous.CredentialIdentity == credential.Identity
                ? Min(previous.Backoff * 2, options.TokenRefusalMaxBackoff)
                : options.TokenRefusalBackoff;
            var until = options.TimeProvider.GetUtcNow() + backoff;
            Volatile.Write(ref refusal, new Refusal(credential.Identity, error, description, until, backoff));
            Outcome(activity, "refused", error);
            Log.TokenRefused(logger, options.ClientId, error, description, until);
            throw new ExchangeAuthenticationException(error, description, until);
        }
        Volatile.Write(ref refusal, null);
        Outcome(activity, "issued", null);
        var lifetime = TimeSpan.FromSeconds(response.ExpiresIn);
        // Renew at the margin before expiry, or at half the lifetime when tokens are short-lived.
        var margin = options.TokenRefreshMargin < lifetime / 2 ? options.TokenRefreshMargin : lifetime / 2;
        // The server leaves scope out when it granted exactly what was asked for (RFC 6749 §5.1).
        var scopes = response.Scope ?? string.Join(' ', options.Scopes);
        var token = new AccessToken(response.AccessToken!, now + lifetime, scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (everIssued)
        {
            Log.TokenRenewed(logger, options.ClientId, token.ExpiresAt, scopes);
        }
        else
        {
            Log.TokenAcquired(logger, options.ClientId, token.ExpiresAt, scopes);
        }
        everIssued = true;
        return new CachedToken(token, token.ExpiresAt - margin);
    }

    /// <summary>
    /// Exchanges a logged-in person's OpenID Connect ID token for a short-lived token of the authority
    /// the person is a member of (RFC 8693), authenticating as this client (a web app party). Not
    /// cached: the caller keeps the result per person until shortly before it expires.
    /// </summary>
    /// <param name="idToken">The ID token the county's identity provider issued to the web app for the person.</param>
    /// <param name="authorityId">The authority to act for; null for the person's only (or first) membership.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="ExchangeAuthenticationException">
    /// The token endpoint refused: <c>invalid_grant</c> when the ID token is not accepted or the person
    /// has no membership (then <see cref="ExchangeAuthenticationException.PersonReference"/> is set),
    /// <c>invalid_client</c> when this client's own credential is not.
    /// </exception>
    /// <exception cref="HttpRequestException">The token endpoint could not be reached.</exception>
    public async Task<PersonToken> ExchangePersonTokenAsync(string idToken, string? authorityId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(idToken);
        var credential = await signer.CurrentAsync(cancellationToken).ConfigureAwait(false);
        var now = options.TimeProvider.GetUtcNow();
        using var activity = Telemetry.Source.StartActivity(ExchangeClientDiagnostics.TokenActivityName, ActivityKind.Client);
        activity?.SetTag(Telemetry.ClientIdTag, options.ClientId);
        activity?.SetTag("server.address", TokenEndpoint.Host);
        var request = new TokenExchangeTokenRequest
        {
            Address = TokenEndpoint.ToString(),
            ClientId = options.ClientId,
            SubjectToken = idToken,
            SubjectTokenType = PersonTokenExchange.IdTokenType,
            Scope = options.Scopes.Count == 0 ? null : string.Join(' ', options.Scopes),
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
        };
        if (!string.IsNullOrEmpty(authorityId))
        {
            request.Parameters.Add(PersonTokenExchange.AuthorityParameter, authorityId);
        }
        if (credential.Assertion is { } assertion)
        {
            request.ClientAssertion = new ClientAssertion
            {
                Type = OidcConstants.ClientAssertionTypes.JwtBearer,
                Value = await assertion(now.UtcDateTime, cancellationToken).ConfigureAwait(false),
            };
        }
        else
        {
            request.ClientSecret = options.ClientSecret;
        }
        var response = await http.RequestTokenExchangeTokenAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsError)
        {
            if (response.ErrorType == ResponseErrorType.Exception && response.Exception is not null)
            {
                Outcome(activity, "unreachable", response.Exception.GetType().FullName);
                Log.TokenEndpointUnreachable(logger, options.ClientId, response.Exception);
                throw new HttpRequestException($"The Exchange token endpoint {TokenEndpoint} could not be reached: {response.Exception.Message}", response.Exception);
            }
            var (error, description) = OAuthError(response.Raw) ?? (response.Error ?? $"http_{(int)response.HttpStatusCode}", response.ErrorDescription);
            Outcome(activity, "refused", error);
            throw new ExchangeAuthenticationException(error, description)
            {
                PersonReference = response.TryGet(PersonTokenExchange.PersonReferenceParameter),
            };
        }
        Outcome(activity, "issued", null);
        var scopes = (response.Scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var token = new AccessToken(response.AccessToken!, now + TimeSpan.FromSeconds(response.ExpiresIn), scopes);
        static IReadOnlyList<string> List(string? value) => (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new PersonToken(
            token,
            response.TryGet("exchange_authority_id") ?? "",
            response.TryGet("exchange_authority_name") ?? "",
            response.TryGet("exchange_member_id") ?? "",
            response.TryGet("exchange_member_name") ?? "",
            List(response.TryGet("exchange_roles")),
            List(response.TryGet("exchange_other_authorities")));
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private void Outcome(Activity? activity, string outcome, string? error)
    {
        Telemetry.TokenRequests.Add(1, new KeyValuePair<string, object?>(Telemetry.ClientIdTag, options.ClientId), new KeyValuePair<string, object?>("outcome", outcome));
        if (activity is not null)
        {
            activity.SetTag("exchange.token.outcome", outcome);
            if (error is not null)
            {
                activity.SetTag("error.type", error);
                activity.SetStatus(ActivityStatusCode.Error, error);
            }
        }
    }

    private static (string Error, string? Description)? OAuthError(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return null;
        }
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("error", out var error) && error.GetString() is { } code
                ? (code, json.RootElement.TryGetProperty("error_description", out var description) ? description.GetString() : null)
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        http.Dispose();
        renewal.Dispose();
    }
}
