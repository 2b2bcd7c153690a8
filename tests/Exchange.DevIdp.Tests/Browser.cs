using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.DevIdp.Tests;

/// <summary>
/// What a browser and the web app do against the IdP, by hand: follow no redirect (the test reads where
/// each one goes), keep the IdP's cookies, and make the PKCE pair.
/// </summary>
internal sealed partial class Browser(Uri idp) : IDisposable
{
    public const string ClientId = "exchange-web";

    /// <summary>The web app as the tests run it, on a port of its own: the IdP learns its URIs from environment variables.</summary>
    public const string RedirectUri = "http://localhost:5301/signin-oidc";
    public const string PostLogoutRedirectUri = "http://localhost:5301/signout-callback-oidc";

    public static Dictionary<string, string> WebAppOnPort5301 => new()
    {
        ["DevIdp__Clients__0__RedirectUris__0"] = RedirectUri,
        ["DevIdp__Clients__0__PostLogoutRedirectUris__0"] = PostLogoutRedirectUri,
    };

    private readonly HttpClient http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
    {
        BaseAddress = idp,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public HttpClient Http => http;

    public string Verifier { get; } = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    public string Challenge => Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(Verifier)));

    /// <summary>The authorization request the web app's OIDC handler would send, with response_mode=query so the code is in the Location.</summary>
    public Dictionary<string, string?> AuthorizationParameters(string? loginHint = null, string? prompt = null) => new()
    {
        ["client_id"] = ClientId,
        ["redirect_uri"] = RedirectUri,
        ["response_type"] = "code",
        ["response_mode"] = "query",
        ["scope"] = "openid profile",
        ["code_challenge"] = Challenge,
        ["code_challenge_method"] = "S256",
        ["state"] = "state-1",
        ["nonce"] = "nonce-1",
        ["login_hint"] = loginHint,
        ["prompt"] = prompt,
    };

    public Task<HttpResponseMessage> AuthorizeAsync(IDictionary<string, string?> parameters) =>
        http.GetAsync(QueryHelpers.AddQueryString("/connect/authorize", parameters.Where(p => p.Value is not null)));

    /// <summary>The code in a redirect to the web app; fails the test if the IdP answered otherwise.</summary>
    public static string CodeFrom(HttpResponseMessage response, string redirectUri = RedirectUri)
    {
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(redirectUri + "?", location.ToString(), StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.False(query.ContainsKey("error"), $"The IdP answered with an error: {location}");
        Assert.Equal("state-1", query["state"].ToString());
        return query["code"].ToString();
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> RedeemAsync(string code, string verifier)
    {
        using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = ClientId,
            ["code"] = code,
            ["redirect_uri"] = RedirectUri,
            ["code_verifier"] = verifier,
        }));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    /// <summary>The hidden fields of the login page's form, as the browser would post them back.</summary>
    public static Dictionary<string, string> HiddenFields(string html) =>
        HiddenField().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));

    [GeneratedRegex("""<input type="hidden" name="([^"]*)" value="([^"]*)">""")]
    private static partial Regex HiddenField();

    public void Dispose() => http.Dispose();
}
