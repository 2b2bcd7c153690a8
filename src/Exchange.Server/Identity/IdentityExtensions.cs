using Exchange.Server.Configuration;
using Exchange.Server.Storage;
using static OpenIddict.Abstractions.OpenIddictConstants;
using Scopes = Exchange.Contracts.Scopes;

namespace Exchange.Server.Identity;

public static class IdentityExtensions
{
    /// <summary>
    /// The token server (OAuth 2.0 client credentials at /connect/token, private_key_jwt or client
    /// secret) and the validation of its access tokens on every gRPC call.
    /// </summary>
    public static WebApplicationBuilder AddExchangeIdentity(this WebApplicationBuilder builder)
    {
        var tokens = builder.AddValidatedOptions<TokenOptions>(TokenOptions.Section);
        if (tokens.AllowCleartext && !builder.Environment.IsDevelopment())
        {
            // Behind a TLS-terminating proxy, enable forwarded headers (ASPNETCORE_FORWARDEDHEADERS_ENABLED=true)
            // so requests count as HTTPS; never hand out tokens over cleartext outside a developer's machine.
            throw new InvalidOperationException("Exchange:Tokens:AllowCleartext is for Development only.");
        }
        var issuer = ParseIssuer(tokens.Issuer, builder.Environment);
        var dataDirectory = builder.AddValidatedOptions<StorageOptions>(StorageOptions.Section).ResolveDataDirectory();

        builder.Services.AddOpenIddict()
            .AddCore(options => options.UseEntityFrameworkCore().UseDbContext<ExchangeDbContext>())
            .AddServer(options =>
            {
                options.SetTokenEndpointUris(TokenEndpoint.Path.TrimStart('/'));
                options.AllowClientCredentialsFlow();
                // People act through a web app party, which exchanges their ID token (People/PersonTokens).
                options.AllowTokenExchangeFlow();
                // The token endpoint decides who may use which grant (only a web app may exchange), so
                // authorities registered before token exchange existed need no new permission.
                options.IgnoreGrantTypePermissions();
                options.RegisterScopes([.. Scopes.All]);
                // Grants, not OpenIddict's static permissions, decide which scopes an authority gets.
                options.IgnoreScopePermissions();
                options.SetAccessTokenLifetime(tokens.AccessTokenLifetime);
                if (issuer is not null)
                {
                    options.SetIssuer(issuer);
                }
                foreach (var key in TokenKeys.LoadSigningKeys(tokens, dataDirectory))
                {
                    // The first signs; the others (previous keys after a rollover) only validate.
                    options.AddSigningKey(key);
                }
                options.AddEncryptionKey(TokenKeys.LoadEncryptionKey(tokens, dataDirectory));
                // Access tokens carry only the authority id and scopes, and are validated by this
                // server alone: signed JWTs suffice and keep them inspectable by integrators.
                options.DisableAccessTokenEncryption();
                // Nothing is looked up per token: the token version on the authority ends tokens, so
                // storing a row per issued token would only grow the database.
                options.DisableTokenStorage();
                options.AddEventHandler(ClientAssertionHandler.Descriptor);
                options.AddEventHandler(ClientAuthenticationFailureHandler.Descriptor);
                options.AddEventHandler(People.PersonSubjectTokenHandler.Descriptor);
                var aspNetCore = options.UseAspNetCore().EnableTokenEndpointPassthrough();
                if (tokens.AllowCleartext)
                {
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            })
            .AddValidation(options =>
            {
                options.UseLocalServer();
                // The Authorization header only: a token in a URL ends up in logs and browser history.
                options.UseAspNetCore()
                    .DisableAccessTokenExtractionFromQueryString()
                    .DisableAccessTokenExtractionFromBodyForm();
            });

        // The default scheme, which takes OpenIddict's validation through a cache, is the authorisation's (AddExchangeAuthorization).
        builder.Services.AddAuthentication();
        builder.Services.AddScoped<CredentialRegistry>();
        builder.Services.AddScoped<CredentialChanges>();
        builder.Services.AddScoped<ClientAssertionHandler>();
        builder.Services.AddSingleton<ClientAuthenticationFailureHandler>();
        builder.Services.AddSingleton<ClientAuthenticationThrottle>();
        builder.Services.AddHostedService<ClientAssertionPruning>();
        return builder;
    }

    /// <summary>
    /// The issuer every token names and every client assertion must be addressed to. Outside
    /// Development it must be configured: derived from the request, it would follow whatever Host
    /// header a caller sends.
    /// </summary>
    private static Uri? ParseIssuer(string? configured, IHostEnvironment environment)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return environment.IsDevelopment() ? null : throw new InvalidOperationException(
                "Exchange:Tokens:Issuer is required outside Development: the public https URL clients use, e.g. https://exchange.example.se/. " +
                "Tokens name it as their issuer and client assertions must name it as their audience.");
        }
        if (!Uri.TryCreate(configured, UriKind.Absolute, out var issuer) || (issuer.Scheme != Uri.UriSchemeHttps && !environment.IsDevelopment())
            || !string.IsNullOrEmpty(issuer.Query) || !string.IsNullOrEmpty(issuer.Fragment))
        {
            throw new InvalidOperationException("Exchange:Tokens:Issuer must be an absolute https URL without query or fragment, e.g. https://exchange.example.se/.");
        }
        return issuer;
    }

    public static WebApplication MapExchangeIdentity(this WebApplication app)
    {
        app.UseMiddleware<TokenEndpointGuard>();
        // OpenIddict's request handlers (the token endpoint and its metadata) run for every request that
        // passes the authentication middleware, which costs a gRPC call more than the call itself. A
        // gRPC call needs none of them: its endpoint's policy authenticates its bearer token
        // (AuthorizationExtensions.CallerPolicy), and an open service needs no user.
        app.UseMiddleware<AuthenticationOutsideGrpc>();
        // What UseAuthentication() marks: without it, WebApplication adds a second authentication
        // middleware in front, for every request, and a token request would be processed twice.
        ((IApplicationBuilder)app).Properties["__AuthenticationMiddlewareSet"] = true;
        app.UseAuthorization();
        app.MapTokenEndpoint();
        return app;
    }

    internal static readonly string[] ClientPermissions = [Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials];
}

/// <summary>ASP.NET Core's authentication middleware, for every request but gRPC calls (see <see cref="IdentityExtensions.MapExchangeIdentity"/>).</summary>
internal sealed class AuthenticationOutsideGrpc(RequestDelegate next, Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider schemes)
{
    private readonly Microsoft.AspNetCore.Authentication.AuthenticationMiddleware authentication = new(next, schemes);

    public Task InvokeAsync(HttpContext context) =>
        Authorization.CachedBearerHandler.IsGrpcMethod(context) ? next(context) : authentication.Invoke(context);
}
