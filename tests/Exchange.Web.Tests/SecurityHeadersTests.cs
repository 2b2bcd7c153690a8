using Exchange.Web.Hosting;
using Microsoft.AspNetCore.Http;

namespace Exchange.Web.Tests;

public sealed class SecurityHeadersTests
{
    private static async Task<IHeaderDictionary> HeadersOf(string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        var middleware = new SecurityHeadersMiddleware(_ => Task.CompletedTask, ContentSecurityPolicy.For(new Uri("http://localhost:5190/")));
        await middleware.InvokeAsync(context);
        return context.Response.Headers;
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/inkorg")]
    [InlineData("/remisser/01a22bd5-cc8d-7fb2-8c99-14cbc7dffb24")]
    [InlineData("/_blazor/negotiate")]
    public async Task Pages_are_never_stored_by_a_cache(string path)
    {
        var headers = await HeadersOf(path);

        Assert.Equal("no-store", headers.CacheControl);
        Assert.Equal("no-cache", headers.Pragma);
    }

    [Theory]
    [InlineData("/_framework/blazor.web.js")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css")]
    [InlineData("/app.css")]
    public async Task Static_files_keep_their_own_caching(string path)
    {
        var headers = await HeadersOf(path);

        Assert.False(headers.ContainsKey("Cache-Control"));
    }

    [Fact]
    public async Task Every_response_has_the_security_headers()
    {
        var headers = await HeadersOf("/utkorg");

        Assert.Equal("nosniff", headers.XContentTypeOptions);
        Assert.Equal("no-referrer", headers["Referrer-Policy"]);
        var csp = headers.ContentSecurityPolicy.ToString();
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("script-src 'self';", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
    }

    [Fact]
    public void Forms_may_post_to_the_identity_providers_origin_only_besides_this_app()
    {
        var csp = ContentSecurityPolicy.For(new Uri("https://idp.example.se/realms/county/"));

        Assert.Contains("form-action 'self' https://idp.example.se;", csp + ";");
        Assert.DoesNotContain("/realms", csp);
    }
}
