using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Exchange.DevIdp;

public static class OpenIddictSetup
{
    public const string AuthorizationPath = "connect/authorize";
    public const string TokenPath = "connect/token";
    public const string EndSessionPath = "connect/logout";
    public const string UserInfoPath = "connect/userinfo";

    /// <summary>
    /// An OpenID Connect provider for the code flow with PKCE only, over cleartext HTTP (Development
    /// only, see Program.cs). The authorization, token and end-session requests come to our own
    /// handlers (LoginEndpoints) once OpenIddict has validated them; discovery, JWKS and userinfo are OpenIddict's.
    /// </summary>
    public static WebApplicationBuilder AddDevIdpOpenIddict(this WebApplicationBuilder builder)
    {
        var options = builder.GetDevIdpOptions();
        var signingKey = SigningKey.LoadOrCreate(options.ResolveDataDirectory());
        builder.Services.AddSingleton(signingKey);

        builder.Services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<DevIdpDbContext>())
            .AddServer(server =>
            {
                server.SetAuthorizationEndpointUris(AuthorizationPath)
                    .SetTokenEndpointUris(TokenPath)
                    .SetEndSessionEndpointUris(EndSessionPath)
                    .SetUserInfoEndpointUris(UserInfoPath);
                server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                // S256 only: "plain" would put the verifier itself in the browser's URL.
                server.Configure(o => o.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
                server.RegisterScopes(Scopes.OpenId, Scopes.Profile);
                server.RegisterClaims(Claims.Subject, Claims.Name, Claims.GivenName, Claims.FamilyName, PersonalIdentityNumber.ClaimType);
                server.SetIdentityTokenLifetime(TimeSpan.FromHours(1));
                server.SetAccessTokenLifetime(TimeSpan.FromHours(1));
                if (options.ParseIssuer() is { } issuer)
                {
                    server.SetIssuer(issuer);
                }
                server.AddSigningKey(signingKey.Key);
                // Codes and access tokens are encrypted with a key that dies with the process: a code
                // lives minutes, and after a restart the web app just signs in again.
                server.AddEphemeralEncryptionKey();
                server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .DisableTransportSecurityRequirement();
            });
        return builder;
    }
}
