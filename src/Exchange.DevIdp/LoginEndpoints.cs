using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Primitives;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Exchange.DevIdp;

public static class LoginEndpoints
{
    /// <summary>The IdP's own session. Cookies are not told apart by port, and the web app on localhost
    /// has cookies of its own, so every cookie of the IdP has a name of its own.</summary>
    public const string SessionCookie = "exchange-devidp.session";
    public const string AntiforgeryCookie = "exchange-devidp.antiforgery";
    private const string AntiforgeryField = "__RequestVerificationToken";

    public static WebApplicationBuilder AddDevIdpLogin(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = SessionCookie;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                options.SlidingExpiration = true;
            });
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = AntiforgeryCookie;
            options.FormFieldName = AntiforgeryField;
        });
        // Keys that die with the process: the IdP's session and the login form's token may end at a
        // restart, and no key of a test double is left behind unencrypted in somebody's home directory.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        return builder;
    }

    public static WebApplication MapDevIdpLogin(this WebApplication app)
    {
        app.MapMethods(OpenIddictSetup.AuthorizationPath, [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync);
        app.MapPost(OpenIddictSetup.TokenPath, TokenAsync);
        app.MapMethods(OpenIddictSetup.EndSessionPath, [HttpMethods.Get, HttpMethods.Post], EndSessionAsync);
        app.MapGet("/", () => HtmlPage(LoginPage.SignedOut()));
        return app;
    }

    /// <summary>
    /// Reached once OpenIddict has validated the request (client, redirect URI, PKCE). In this order: a
    /// person chosen on the login page (a POST carrying the form's antiforgery token); else, unless
    /// prompt=login, a login_hint naming a test person, or the IdP's session; else the login page
    /// (or login_required for prompt=none).
    /// </summary>
    private static async Task<IResult> AuthorizeAsync(HttpContext context, DevIdpOptions options, IAntiforgery antiforgery, ILogger<DevIdpOptions> logger)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        string? error = null;
        if (HttpMethods.IsPost(context.Request.Method) && (string?)request.GetParameter(LoginPage.PersonField) is { } chosen)
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                Log.InvalidAntiforgery(logger);
                error = "Sidan hade gått ut. Välj testperson igen.";
            }
            else if (options.FindPerson(chosen) is { } person)
            {
                return await SignInAsync(context, request, person, "login page", logger);
            }
        }
        else if (!request.HasPromptValue(PromptValues.Login))
        {
            if (!string.IsNullOrEmpty(request.LoginHint))
            {
                if (options.FindPerson(request.LoginHint) is { } hinted)
                {
                    return await SignInAsync(context, request, hinted, "login_hint", logger);
                }
                Log.UnknownLoginHint(logger);
            }
            else if (await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme) is { Succeeded: true } session
                && options.FindPerson(session.Principal.FindFirstValue(Claims.Subject)) is { } signedIn)
            {
                return await SignInAsync(context, request, signedIn, "session", logger);
            }
            if (request.HasPromptValue(PromptValues.None))
            {
                return Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.LoginRequired,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "Nobody is signed in at the development IdP.",
                }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            }
        }

        // The request's own parameters go back in hidden fields, so the POST is the same authorization
        // request (validated again by OpenIddict) plus the choice; nothing is kept on the server.
        var parameters = request.GetParameters()
            .Where(p => p.Key is not (LoginPage.PersonField or AntiforgeryField))
            .SelectMany(p => ((StringValues)p.Value).OfType<string>().Select(v => KeyValuePair.Create(p.Key, v)));
        var tokens = antiforgery.GetAndStoreTokens(context);
        var action = context.Request.PathBase + "/" + OpenIddictSetup.AuthorizationPath;
        return HtmlPage(LoginPage.Choose(action, parameters, tokens.FormFieldName, tokens.RequestToken!, options.Persons, request.ClientId, error));
    }

    private static async Task<IResult> SignInAsync(HttpContext context, OpenIddictRequest request, TestPerson person, string via, ILogger logger)
    {
        // The IdP's session, so that the next authorization request (another client, a renewal) skips the page.
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(Claims.Subject, person.Subject)], CookieAuthenticationDefaults.AuthenticationScheme)));

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, person.Subject)
            .SetClaim(Claims.Name, person.Name)
            .SetClaim(Claims.GivenName, person.GivenName)
            .SetClaim(Claims.FamilyName, person.FamilyName)
            .SetClaim(PersonalIdentityNumber.ClaimType, person.PersonalIdentityNumber);
        identity.SetScopes(request.GetScopes());
        var profile = request.HasScope(Scopes.Profile);
        identity.SetDestinations(claim => claim.Type switch
        {
            Claims.Subject => [Destinations.AccessToken, Destinations.IdentityToken],
            // The personnummer goes to the web app in the ID token only, not into every access token.
            PersonalIdentityNumber.ClaimType => profile ? [Destinations.IdentityToken] : [],
            _ => profile ? [Destinations.AccessToken, Destinations.IdentityToken] : [Destinations.AccessToken],
        });
        Log.PersonSignedIn(logger, person.Subject, request.ClientId, via);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>Redeems a code (OpenIddict has checked it, its client and the PKCE verifier), unless its person has been removed since.</summary>
    private static async Task<IResult> TokenAsync(HttpContext context, DevIdpOptions options, ILogger<DevIdpOptions> logger)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (!request.IsAuthorizationCodeGrantType())
        {
            throw new InvalidOperationException("Only the authorization code flow is enabled.");
        }
        var code = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var subject = code.Principal?.GetClaim(Claims.Subject);
        if (code.Principal is null || options.FindPerson(subject) is null)
        {
            Log.PersonGone(logger, subject ?? "(none)");
            return Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidGrant,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The test person is no longer configured.",
            }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }
        return Results.SignIn(code.Principal, properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>Ends the IdP's session; OpenIddict then redirects to the validated post_logout_redirect_uri, or to the signed-out page.</summary>
    private static async Task<IResult> EndSessionAsync(HttpContext context, ILogger<DevIdpOptions> logger)
    {
        var session = await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        if (session.Principal?.FindFirstValue(Claims.Subject) is { } subject)
        {
            Log.PersonSignedOut(logger, subject);
        }
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static HtmlResult HtmlPage(string html) => new HtmlResult(html);

    /// <summary>A page that must not be cached, framed or given scripts.</summary>
    private sealed class HtmlResult(string html) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var headers = httpContext.Response.Headers;
            headers.CacheControl = "no-store";
            headers.XContentTypeOptions = "nosniff";
            // No form-action: Chromium applies it to the redirect after the POST too, which goes to the web app.
            headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";
            httpContext.Response.ContentType = "text/html; charset=utf-8";
            return httpContext.Response.WriteAsync(html);
        }
    }
}
