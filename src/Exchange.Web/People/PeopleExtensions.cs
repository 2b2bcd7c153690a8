using System.Security.Claims;
using Exchange.Contracts;
using Exchange.Web.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Exchange.Web.People;

/// <summary>Login with OpenID Connect, the session cookie, and the person's session with the exchange.</summary>
public static class PeopleExtensions
{
    public const string LoginPath = "/logga-in";
    public const string LogoutPath = "/logga-ut";
    public const string LoggedOutPath = "/utloggad";

    public static WebApplicationBuilder AddPeople(this WebApplicationBuilder builder)
    {
        var oidc = builder.Configuration.GetSection(OidcSettings.Section).Get<OidcSettings>() ?? new OidcSettings();
        var web = builder.Configuration.GetSection(WebOptions.Section).Get<WebOptions>() ?? new WebOptions();
        var authority = oidc.Authority ?? throw new InvalidOperationException("Oidc:Authority is not set: the county's OpenID Connect provider.");

        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(o =>
            {
                o.Cookie.Name = "exchange-web";
                o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.Path = "/";
                o.ExpireTimeSpan = web.IdleTimeout;
                o.SlidingExpiration = true;
                o.LoginPath = LoginPath;
                o.AccessDeniedPath = "/";
            })
            .AddOpenIdConnect(o =>
            {
                o.Authority = authority.ToString();
                o.ClientId = oidc.ClientId;
                if (!string.IsNullOrEmpty(oidc.ClientSecret))
                {
                    o.ClientSecret = oidc.ClientSecret;
                }
                o.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
                o.ResponseType = OpenIdConnectResponseType.Code;
                o.UsePkce = true;
                o.Scope.Clear();
                o.Scope.Add("openid");
                o.Scope.Add("profile");
                o.SaveTokens = false;
                o.GetClaimsFromUserInfoEndpoint = false;
                o.MapInboundClaims = false;
                o.TokenValidationParameters.NameClaimType = "name";
                o.SignedOutCallbackPath = "/signout-callback-oidc";
                o.SignedOutRedirectUri = LoggedOutPath;
                o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.Always;
                o.NonceCookie.SecurePolicy = CookieSecurePolicy.Always;
                o.Events.OnTokenValidated = context =>
                {
                    // The circuit exchanges the ID token for a token of the person's authority: it is
                    // kept on the (encrypted, HttpOnly) session cookie, never in the browser's storage.
                    if (context.Principal?.Identity is ClaimsIdentity identity && context.SecurityToken?.RawData is { Length: > 0 } raw)
                    {
                        identity.AddClaim(new Claim(PeopleClaims.IdToken, raw));
                    }
                    return Task.CompletedTask;
                };
                o.Events.OnRedirectToIdentityProvider = context =>
                {
                    // Every login authenticates the person at the IdP: after an idle timeout, whoever sits
                    // at a computer left unattended does not get back in through the IdP's single sign-on.
                    context.ProtocolMessage.Prompt = OpenIdConnectPrompt.Login;
                    return Task.CompletedTask;
                };
                o.Events.OnRedirectToIdentityProviderForSignOut = context =>
                {
                    // The provider's end-session endpoint wants the ID token as a hint.
                    context.ProtocolMessage.IdTokenHint = context.HttpContext.User.FindFirst(PeopleClaims.IdToken)?.Value;
                    return Task.CompletedTask;
                };
            });
        builder.Services.AddAuthorization();
        builder.Services.AddCascadingAuthenticationState();
        var development = builder.Environment.IsDevelopment();
        // Antiforgery refuses to issue a Secure cookie over http at all (unlike the session cookie, which
        // browsers accept from http://localhost): Development on http://localhost gets SameAsRequest.
        builder.Services.AddAntiforgery(o => o.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always);

        builder.Services.AddOptions<ExchangeConnectionOptions>().Bind(builder.Configuration.GetSection(ExchangeConnectionOptions.Section))
            .PostConfigure(o =>
            {
                // The server's demo seed writes the web app party's credential here in Development.
                if (development && string.IsNullOrEmpty(o.CredentialFile))
                {
                    o.CredentialFile = Path.Combine(DefaultLocations.DataDirectory(), "dev-credentials", "exchange-web.json");
                }
            });
        builder.Services.TryAddSingleton<IPersonTokens, ExchangePersonTokens>();
        builder.Services.AddScoped<PersonSession>();
        builder.Services.AddScoped<IdleTimeoutTracker>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, IdleCircuitHandler>());
        return builder;
    }

    public static WebApplication MapPeople(this WebApplication app)
    {
        app.MapGet(LoginPath, (string? returnUrl) =>
            TypedResults.Challenge(new AuthenticationProperties { RedirectUri = LocalOnly(returnUrl) }, [OpenIdConnectDefaults.AuthenticationScheme]));

        // A form post with an antiforgery token: a link elsewhere cannot log the person out.
        app.MapPost(LogoutPath, async (HttpContext context, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.BadRequest();
            }
            if (context.User.Identity?.IsAuthenticated != true)
            {
                return Results.LocalRedirect(LoggedOutPath);
            }
            return Results.SignOut(new AuthenticationProperties { RedirectUri = LoggedOutPath },
                [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]);
        }).DisableAntiforgery(); // checked above, where a missing or wrong token is answered 400
        return app;
    }

    /// <summary>
    /// A local path to return to after login, or the start page. The framework's check, which also
    /// refuses control characters (a browser drops a tab in "/\t/evil.example" and goes elsewhere).
    /// </summary>
    public static string LocalOnly(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && Microsoft.AspNetCore.Http.HttpResults.RedirectHttpResult.IsLocalUrl(returnUrl) ? returnUrl : "/";
}
