using Exchange.Server.Storage;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Exchange.Server.Identity;

public static class IdentityExtensions
{
    /// <summary>
    /// The token server (OAuth 2.0 client credentials at /connect/token, private_key_jwt or client
    /// secret) and the validation of its access tokens on every gRPC call.
    /// </summary>
    public static WebApplicationBuilder AddExchangeIdentity(this WebApplicationBuilder builder)
    {
        var tokens = builder.Configuration.GetSection(TokenOptions.Section).Get<TokenOptions>() ?? new TokenOptions();
        builder.Services.Configure<TokenOptions>(builder.Configuration.GetSection(TokenOptions.Section));
        if (tokens.AllowCleartext && !builder.Environment.IsDevelopment())
        {
            // Behind a TLS-terminating proxy, enable forwarded headers (ASPNETCORE_FORWARDEDHEADERS_ENABLED=true)
            // so requests count as HTTPS; never hand out tokens over cleartext outside a developer's machine.
            throw new InvalidOperationException("Exchange:Tokens:AllowCleartext is for Development only.");
        }
        var dataDirectory = (builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions()).ResolveDataDirectory();

        builder.Services.AddOpenIddict()
            .AddCore(options => options.UseEntityFrameworkCore().UseDbContext<ExchangeDbContext>())
            .AddServer(options =>
            {
                options.SetTokenEndpointUris("connect/token");
                options.AllowClientCredentialsFlow();
                options.RegisterScopes([.. Scopes.All]);
                // Grants, not OpenIddict's static permissions, decide which scopes an authority gets.
                options.IgnoreScopePermissions();
                options.SetAccessTokenLifetime(tokens.AccessTokenLifetime);
                if (!string.IsNullOrWhiteSpace(tokens.Issuer))
                {
                    options.SetIssuer(new Uri(tokens.Issuer));
                }
                options.AddSigningKey(TokenKeys.LoadSigningKey(tokens, dataDirectory));
                options.AddEncryptionKey(TokenKeys.LoadEncryptionKey(tokens, dataDirectory));
                // Access tokens carry only the authority id and scopes, and are validated by this
                // server alone: signed JWTs suffice and keep them inspectable by integrators.
                options.DisableAccessTokenEncryption();
                var aspNetCore = options.UseAspNetCore().EnableTokenEndpointPassthrough();
                if (tokens.AllowCleartext)
                {
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            })
            .AddValidation(options =>
            {
                options.UseLocalServer();
                options.UseAspNetCore();
            });

        builder.Services.AddAuthentication(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        builder.Services.AddAuthorization();
        builder.Services.AddScoped<CredentialRegistry>();
        builder.Services.AddHostedService<OperatorBootstrap>();
        builder.Services.AddHostedService<TokenPruning>();
        return builder;
    }

    public static WebApplication MapExchangeIdentity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapTokenEndpoint();
        return app;
    }

    internal static readonly string[] ClientPermissions = [Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials];
}
