using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.DevIdp.Tests;

/// <summary>The authorization code flow with PKCE as the web app runs it, against the IdP's process.</summary>
public sealed class CodeFlowTests : IAsyncLifetime, IDisposable
{
    private readonly TemporaryDirectory data = new();
    private DevIdpProcess idp = null!;

    public async Task InitializeAsync() => idp = await DevIdpProcess.StartAsync(data.Path, Browser.WebAppOnPort5301);

    // xunit stops the IdP (DisposeAsync) before it removes its directory (Dispose).
    public async Task DisposeAsync() => await idp.DisposeAsync();

    public void Dispose() => data.Dispose();

    [Fact]
    public async Task Login_hint_and_PKCE_give_an_ID_token_for_that_person_signed_by_a_key_in_the_JWKS()
    {
        using var browser = new Browser(idp.Address);

        using var authorization = await browser.AuthorizeAsync(browser.AuthorizationParameters(loginHint: "kramfors-handlaggare"));
        var code = Browser.CodeFrom(authorization);
        var (status, tokens) = await browser.RedeemAsync(code, browser.Verifier);

        Assert.Equal(HttpStatusCode.OK, status);
        var issuer = new Uri(idp.Address, "/").ToString();
        var jwks = new JsonWebKeySet(await browser.Http.GetStringAsync("/.well-known/jwks"));
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(tokens.GetProperty("id_token").GetString(), new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = Browser.ClientId,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        });
        Assert.True(validation.IsValid, validation.Exception?.ToString());
        var idToken = (JsonWebToken)validation.SecurityToken;
        Assert.Equal("kramfors-handlaggare", idToken.Subject);
        Assert.Equal([Browser.ClientId], idToken.Audiences);
        Assert.Equal(issuer, idToken.Issuer);
        Assert.Equal("Karin Berg", idToken.GetClaim("name").Value);
        Assert.Equal("Karin", idToken.GetClaim("given_name").Value);
        Assert.Equal("Berg", idToken.GetClaim("family_name").Value);
        Assert.Equal("nonce-1", idToken.GetClaim("nonce").Value);
        Assert.Equal(TimeSpan.FromHours(1), idToken.ValidTo - idToken.IssuedAt);
        var personnummer = idToken.GetClaim(PersonalIdentityNumber.ClaimType).Value;
        Assert.True(PersonalIdentityNumber.IsValid(personnummer));
        // Logged: who signed in. Never: their personnummer.
        Assert.Contains("kramfors-handlaggare", idp.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(personnummer, idp.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_code_is_refused_with_a_code_verifier_that_does_not_match_its_challenge()
    {
        using var browser = new Browser(idp.Address);
        using var authorization = await browser.AuthorizeAsync(browser.AuthorizationParameters(loginHint: "polis-handlaggare"));
        var code = Browser.CodeFrom(authorization);

        var (status, body) = await browser.RedeemAsync(code, new Browser(idp.Address).Verifier);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.False(body.TryGetProperty("id_token", out _));
    }

    [Fact]
    public async Task An_authorization_request_without_PKCE_gets_no_code()
    {
        using var browser = new Browser(idp.Address);
        var parameters = browser.AuthorizationParameters(loginHint: "polis-handlaggare");
        parameters.Remove("code_challenge");
        parameters.Remove("code_challenge_method");

        using var authorization = await browser.AuthorizeAsync(parameters);

        // OpenIddict answers the browser itself rather than redirecting to the client.
        Assert.Equal(HttpStatusCode.BadRequest, authorization.StatusCode);
        Assert.Null(authorization.Headers.Location);
        var body = await authorization.Content.ReadAsStringAsync();
        Assert.Contains("invalid_request", body, StringComparison.Ordinal);
        Assert.Contains("code_challenge", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_URI_the_client_did_not_register_is_refused_without_redirecting()
    {
        using var browser = new Browser(idp.Address);
        var parameters = browser.AuthorizationParameters(loginHint: "polis-handlaggare");
        // The appsettings.json default, replaced by the environment variable this IdP was started with.
        parameters["redirect_uri"] = "http://localhost:5200/signin-oidc";

        using var authorization = await browser.AuthorizeAsync(parameters);

        Assert.Equal(HttpStatusCode.BadRequest, authorization.StatusCode);
        Assert.Null(authorization.Headers.Location);
    }

    [Fact]
    public async Task The_login_page_lists_the_test_persons_and_choosing_one_continues_the_authorization_request()
    {
        using var browser = new Browser(idp.Address);

        using var page = await browser.AuthorizeAsync(browser.AuthorizationParameters());
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<html lang=\"sv\">", html, StringComparison.Ordinal);
        Assert.Contains("Utvecklingsinloggning – endast för test", html, StringComparison.Ordinal);
        Assert.Contains(">Logga in som Lena Sjö</button>", html, StringComparison.Ordinal);
        Assert.Contains("Analytiker, Länsstyrelsen Västernorrland", html, StringComparison.Ordinal);
        // One button for each of the eight default persons.
        Assert.Equal(8, html.Split("<button type=\"submit\"").Length - 1);
        Assert.DoesNotContain("191212", html, StringComparison.Ordinal);

        var form = Browser.HiddenFields(html);
        form["devidp_person"] = "lansstyrelsen-analytiker";
        using var chosen = await browser.Http.PostAsync("/connect/authorize", new FormUrlEncodedContent(form));
        var (_, tokens) = await browser.RedeemAsync(Browser.CodeFrom(chosen), browser.Verifier);

        Assert.Equal("lansstyrelsen-analytiker", new JsonWebToken(tokens.GetProperty("id_token").GetString()).Subject);
    }

    [Fact]
    public async Task A_login_form_without_its_antiforgery_token_signs_nobody_in()
    {
        using var browser = new Browser(idp.Address);
        using var page = await browser.AuthorizeAsync(browser.AuthorizationParameters());
        var form = Browser.HiddenFields(await page.Content.ReadAsStringAsync());
        form.Remove("__RequestVerificationToken");
        form["devidp_person"] = "operator";

        using var forged = await browser.Http.PostAsync("/connect/authorize", new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.OK, forged.StatusCode);
        Assert.Contains("Välj testperson igen", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_session_skips_the_page_until_prompt_login_or_logout()
    {
        using var browser = new Browser(idp.Address);
        using (var first = await browser.AuthorizeAsync(browser.AuthorizationParameters(loginHint: "sundsvall-handlaggare")))
        {
            Browser.CodeFrom(first);
        }

        using (var again = await browser.AuthorizeAsync(browser.AuthorizationParameters()))
        {
            var (_, tokens) = await browser.RedeemAsync(Browser.CodeFrom(again), browser.Verifier);
            Assert.Equal("sundsvall-handlaggare", new JsonWebToken(tokens.GetProperty("id_token").GetString()).Subject);
        }
        using (var forced = await browser.AuthorizeAsync(browser.AuthorizationParameters(prompt: "login")))
        {
            Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
            Assert.Contains("Välj testperson", await forced.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var logout = await browser.Http.GetAsync(QueryHelpers.AddQueryString("/connect/logout", new Dictionary<string, string?>
        {
            ["client_id"] = Browser.ClientId,
            ["post_logout_redirect_uri"] = Browser.PostLogoutRedirectUri,
            ["state"] = "logout-1",
        }));

        Assert.Equal(HttpStatusCode.Found, logout.StatusCode);
        Assert.Equal(Browser.PostLogoutRedirectUri + "?state=logout-1", logout.Headers.Location!.ToString());
        using var afterLogout = await browser.AuthorizeAsync(browser.AuthorizationParameters());
        Assert.Equal(HttpStatusCode.OK, afterLogout.StatusCode);
        Assert.Contains("Välj testperson", await afterLogout.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prompt_none_without_a_session_returns_login_required()
    {
        using var browser = new Browser(idp.Address);

        using var authorization = await browser.AuthorizeAsync(browser.AuthorizationParameters(prompt: "none"));

        Assert.Equal("login_required", QueryHelpers.ParseQuery(authorization.Headers.Location?.Query)["error"].ToString());
    }

    [Fact]
    public async Task A_post_logout_redirect_URI_the_client_did_not_register_is_not_followed()
    {
        using var browser = new Browser(idp.Address);

        using var logout = await browser.Http.GetAsync(QueryHelpers.AddQueryString("/connect/logout", new Dictionary<string, string?>
        {
            ["client_id"] = Browser.ClientId,
            ["post_logout_redirect_uri"] = "http://evil.example/",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, logout.StatusCode);
        Assert.Null(logout.Headers.Location);
    }
}
