using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Server.People;

/// <summary>A person the identity provider vouched for: whom the exchange knows by <see cref="Reference"/>.</summary>
public sealed record PersonIdentity(string Reference, DateTimeOffset ExpiresAt);

/// <summary>
/// Validates a person's ID token from the configured identity provider: its signature with the keys
/// the provider publishes (fetched from its metadata and refreshed when it rolls them over), issuer,
/// audience and lifetime, and that it names the person by the configured claim.
/// </summary>
public sealed class IdTokenValidator
{
    private readonly PeopleOptions options;
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? metadata;
    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };

    private readonly PersonReferences references;

    public IdTokenValidator(IOptions<PeopleOptions> options, IHostEnvironment environment, PersonReferences references)
    {
        this.options = options.Value;
        this.references = references;
        if (this.options.Enabled)
        {
            var address = string.IsNullOrWhiteSpace(this.options.MetadataAddress)
                ? $"{this.options.NormalisedIssuer}/.well-known/openid-configuration"
                : this.options.MetadataAddress;
            metadata = new ConfigurationManager<OpenIdConnectConfiguration>(address, new OpenIdConnectConfigurationRetriever(),
                // The development IdP serves cleartext on loopback; a county's never may.
                new HttpDocumentRetriever { RequireHttps = !environment.IsDevelopment() });
        }
    }

    /// <summary>The person, or why the token is refused (never quoting the token or its claims).</summary>
    public async Task<(PersonIdentity? Person, string? Refusal)> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        if (metadata is null)
        {
            return (null, "people are not configured on this server (Exchange:People:Issuer)");
        }
        var issuer = options.NormalisedIssuer;
        var parameters = new TokenValidationParameters
        {
            ValidIssuers = [issuer, issuer + "/"],
            ValidAudience = options.Audience,
            ConfigurationManager = metadata,
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = options.ClockSkew,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.EcdsaSha384],
            // An ID token is a plain JWT; the IdP's access tokens (typ at+jwt) are not accepted in its place.
            TypeValidator = static (type, _, _) => string.IsNullOrEmpty(type) || string.Equals(type, "JWT", StringComparison.OrdinalIgnoreCase)
                ? type
                : throw new SecurityTokenInvalidTypeException("Not an ID token."),
        };
        TokenValidationResult result;
        try
        {
            result = await handler.ValidateTokenAsync(token, parameters);
        }
        catch (ArgumentException)
        {
            return (null, "the subject token is not a JWT");
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (!result.IsValid)
        {
            // The exception's type says what failed (signature, lifetime, audience); its message may quote claims.
            return (null, $"the ID token is not valid ({result.Exception?.GetType().Name ?? "unknown reason"})");
        }
        if (result.SecurityToken is JsonWebToken { Audiences: var audiences } issued && audiences.Count() > 1
            && !string.Equals(issued.TryGetPayloadValue<string>("azp", out var party) ? party : null, options.Audience, StringComparison.Ordinal))
        {
            // Issued to several audiences: OpenID Connect's authorised party must be the web app.
            return (null, "the ID token was issued to another authorised party");
        }
        if (!result.Claims.TryGetValue(options.PersonClaim, out var value) || value?.ToString() is not { Length: > 0 } subject)
        {
            return (null, $"the ID token lacks the claim {options.PersonClaim}");
        }
        var expires = result.SecurityToken is JsonWebToken jwt ? new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) : DateTimeOffset.MinValue;
        return (new PersonIdentity(references.Of(issuer, subject), expires), null);
    }
}
