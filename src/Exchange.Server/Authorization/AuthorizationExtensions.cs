using Exchange.Server.Configuration;
using OpenIddict.Validation.AspNetCore;

namespace Exchange.Server.Authorization;

public static class AuthorizationExtensions
{
    /// <summary>The endpoint policy of every exchange RPC: a valid access token, checked before the call's message is read.</summary>
    public const string CallerPolicy = "exchange-caller";

    /// <summary>Per-call authorisation of every exchange RPC against the token and the current store.</summary>
    public static WebApplicationBuilder AddExchangeAuthorization(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(CachedBearerHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, CachedBearerHandler>(CachedBearerHandler.SchemeName, options =>
            {
                // OpenIddict words the WWW-Authenticate answers, as before.
                options.ForwardChallenge = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;
                options.ForwardForbid = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;
            });
        builder.Services.AddSingleton<ValidatedTokens>();
        builder.Services.AddAuthorization(options => options.AddPolicy(CallerPolicy, policy => policy
            .AddAuthenticationSchemes(CachedBearerHandler.SchemeName)
            .RequireAuthenticatedUser()));
        builder.Services.AddSingleton<ScopeRequirements>();
        builder.Services.AddScoped<CallerAdmission>();
        builder.Services.AddSingleton<AdmissionCache>();
        builder.Services.AddScoped<AccessInterceptor>();
        builder.Services.AddSingleton<DeniedCallAudit>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DeniedCallAudit>());
        builder.AddValidatedOptions<DeniedCallAuditOptions>(DeniedCallAuditOptions.Section);
        return builder;
    }
}
