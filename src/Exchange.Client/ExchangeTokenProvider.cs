using System.Security.Claims;
using System.Security.Cryptography;
using Duende.IdentityModel;
using Duende.IdentityModel.Client;
using Exchange.Client.Internal;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Client;

/// <summary>
/// Gets access tokens from the Exchange token endpoint with the OAuth 2.0 client credentials grant,
/// authenticating with a private_key_jwt client assertion or a client secret. A token is cached and
/// renewed shortly before it expires; concurrent callers share one request.
/// </summary>
public sealed class ExchangeTokenProvider : IDisposable
{
    private readonly ExchangeClientOptions options;
    private readonly HttpClient http;
    private readonly SecurityKey? signingKey;
    private readonly SemaphoreSlim renewal = new(1, 1);
    private CachedToken? current;

    /// <summary>Creates a provider for the given options.</summary>
    public ExchangeTokenProvider(ExchangeClientOptions options)
    {
        options.Validate();
        this.options = options;
        http = new HttpClient(new Http2RequestHandler(options.CreateHttpHandler?.Invoke() ?? HttpHandlers.CreateDefault()));
        signingKey = string.IsNullOrEmpty(options.PrivateKeyPem) ? null : LoadKey(options.PrivateKeyPem, options.KeyId!);
    }

    /// <summary>The token endpoint in use.</summary>
    public Uri TokenEndpoint => options.TokenEndpoint ?? new Uri(options.Address!, "/connect/token");

    /// <summary>Returns a cached token that is not about to expire, or gets a new one.</summary>
    /// <exception cref="ExchangeAuthenticationException">The token endpoint refused.</exception>
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

    /// <summary>Forgets the cached token, so the next call gets a new one (e.g. after grants changed).</summary>
    public void Invalidate() => Volatile.Write(ref current, null);

    private bool IsDue(DateTimeOffset renewAt) => options.TimeProvider.GetUtcNow() >= renewAt;

    private sealed record CachedToken(AccessToken Token, DateTimeOffset RenewAt);

    private async Task<CachedToken> RequestAsync(CancellationToken cancellationToken)
    {
        var request = new ClientCredentialsTokenRequest
        {
            Address = TokenEndpoint.ToString(),
            ClientId = options.ClientId,
            Scope = options.Scopes.Count == 0 ? null : string.Join(' ', options.Scopes),
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
        };
        if (signingKey is not null)
        {
            request.ClientAssertion = new ClientAssertion { Type = OidcConstants.ClientAssertionTypes.JwtBearer, Value = CreateAssertion() };
        }
        else
        {
            request.ClientSecret = options.ClientSecret;
        }

        var requestedAt = options.TimeProvider.GetUtcNow();
        var response = await http.RequestClientCredentialsTokenAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsError)
        {
            if (response.ErrorType == ResponseErrorType.Exception && response.Exception is not null)
            {
                throw new HttpRequestException($"The Exchange token endpoint {TokenEndpoint} could not be reached: {response.Exception.Message}", response.Exception);
            }
            // invalid_client comes with 401, which IdentityModel reports by its reason phrase; the body says more.
            var (error, description) = OAuthError(response.Raw) ?? (response.Error ?? $"http_{(int)response.HttpStatusCode}", response.ErrorDescription);
            throw new ExchangeAuthenticationException(error, description);
        }
        var lifetime = TimeSpan.FromSeconds(response.ExpiresIn);
        // Renew at the margin before expiry, or at half the lifetime when tokens are short-lived.
        var margin = options.TokenRefreshMargin < lifetime / 2 ? options.TokenRefreshMargin : lifetime / 2;
        // The server leaves scope out when it granted exactly what was asked for (RFC 6749 §5.1).
        var scopes = response.Scope ?? string.Join(' ', options.Scopes);
        var token = new AccessToken(response.AccessToken!, requestedAt + lifetime, scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return new CachedToken(token, token.ExpiresAt - margin);
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

    private string CreateAssertion()
    {
        var now = options.TimeProvider.GetUtcNow().UtcDateTime;
        var issuer = options.Issuer ?? new Uri(options.Address!, "/");
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.ClientId,
            Audience = issuer.ToString(),
            Subject = new ClaimsIdentity([new Claim(JwtClaimTypes.Subject, options.ClientId), new Claim(JwtClaimTypes.JwtId, Guid.NewGuid().ToString("N"))]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(2),
            TokenType = "client-authentication+jwt",
            SigningCredentials = new SigningCredentials(signingKey, signingKey is ECDsaSecurityKey ec ? EcAlgorithm(ec) : SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private static string EcAlgorithm(ECDsaSecurityKey key) => key.KeySize switch
    {
        384 => SecurityAlgorithms.EcdsaSha384,
        521 => SecurityAlgorithms.EcdsaSha512,
        _ => SecurityAlgorithms.EcdsaSha256,
    };

    private static SecurityKey LoadKey(string pem, string keyId)
    {
        if (TryEc(pem) is { } ecdsa)
        {
            return new ECDsaSecurityKey(ecdsa) { KeyId = keyId };
        }
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return new RsaSecurityKey(rsa) { KeyId = keyId };
    }

    private static ECDsa? TryEc(string pem)
    {
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(pem);
            return ecdsa;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            ecdsa.Dispose();
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
