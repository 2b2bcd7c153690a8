using System.Net.Http.Json;
using System.Text.Json;

namespace Exchange.DevIdp.Tests;

public sealed class StartupTests
{
    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task Refuses_to_start_outside_Development_and_says_why_on_stderr(string environment)
    {
        using var data = new TemporaryDirectory();

        var (exitCode, output, error) = await DevIdpProcess.RunToExitAsync(environment, data.Path);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("refuses to start", error, StringComparison.Ordinal);
        Assert.Contains($"'{environment}'", error, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_ENVIRONMENT=Development", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
        // It stopped before making anything, a signing key included.
        Assert.False(Directory.Exists(data.Path));
    }

    [Fact]
    public async Task Discovery_document_names_the_request_base_URL_as_issuer_and_the_endpoints_under_it()
    {
        using var data = new TemporaryDirectory();
        await using var idp = await DevIdpProcess.StartAsync(data.Path);
        using var http = new HttpClient { BaseAddress = idp.Address };

        var discovery = await http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");

        Assert.Equal(new Uri(idp.Address, "/").ToString(), discovery.GetProperty("issuer").GetString());
        Assert.Equal(new Uri(idp.Address, "/connect/authorize").ToString(), discovery.GetProperty("authorization_endpoint").GetString());
        Assert.Equal(new Uri(idp.Address, "/connect/token").ToString(), discovery.GetProperty("token_endpoint").GetString());
        Assert.Equal(new Uri(idp.Address, "/connect/logout").ToString(), discovery.GetProperty("end_session_endpoint").GetString());
        Assert.Equal(new Uri(idp.Address, "/.well-known/jwks").ToString(), discovery.GetProperty("jwks_uri").GetString());
        Assert.Equal(["code"], Strings(discovery, "response_types_supported"));
        Assert.Equal(["S256"], Strings(discovery, "code_challenge_methods_supported"));
        Assert.Equal(["RS256"], Strings(discovery, "id_token_signing_alg_values_supported"));
        Assert.Equal(["openid", "profile"], Strings(discovery, "scopes_supported").Order(StringComparer.Ordinal));
        // The web app's handler uses pushed authorization requests when offered; the login page's form relies on plain ones.
        Assert.False(discovery.TryGetProperty("pushed_authorization_request_endpoint", out _));
    }

    [Fact]
    public async Task A_configured_issuer_is_the_one_tokens_name()
    {
        using var data = new TemporaryDirectory();
        await using var idp = await DevIdpProcess.StartAsync(data.Path, new Dictionary<string, string> { ["DevIdp__Issuer"] = "http://idp.localtest.me:5190/" });
        using var http = new HttpClient { BaseAddress = idp.Address };

        var discovery = await http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");

        Assert.Equal("http://idp.localtest.me:5190/", discovery.GetProperty("issuer").GetString());
    }

    [Fact]
    public async Task Signing_key_is_owner_only_and_survives_a_restart()
    {
        using var data = new TemporaryDirectory();
        string before;
        await using (var first = await DevIdpProcess.StartAsync(data.Path))
        {
            before = await KeyIdAsync(first.Address);
        }

        await using var second = await DevIdpProcess.StartAsync(data.Path);

        Assert.Equal(before, await KeyIdAsync(second.Address));
        var keyFile = Path.Combine(data.Path, SigningKey.FileName);
        Assert.True(File.Exists(keyFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data.Path));
        }
    }

    [Fact]
    public async Task Refuses_a_signing_key_that_others_can_read()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        using var data = new TemporaryDirectory();
        // The first start makes the key, owner-only; then somebody loosens it.
        await (await DevIdpProcess.StartAsync(data.Path)).DisposeAsync();
        var keyFile = Path.Combine(data.Path, SigningKey.FileName);
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => DevIdpProcess.StartAsync(data.Path));

        Assert.Contains($"chmod 600 {keyFile}", failure.Message, StringComparison.Ordinal);
    }

    private static async Task<string> KeyIdAsync(Uri idp)
    {
        using var http = new HttpClient { BaseAddress = idp };
        var jwks = await http.GetFromJsonAsync<JsonElement>("/.well-known/jwks");
        return Assert.Single(jwks.GetProperty("keys").EnumerateArray()).GetProperty("kid").GetString()!;
    }

    private static string[] Strings(JsonElement document, string property) =>
        [.. document.GetProperty(property).EnumerateArray().Select(e => e.GetString()!)];
}
