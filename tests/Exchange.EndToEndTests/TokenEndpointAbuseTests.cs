using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.EndToEndTests;

/// <summary>Failed client authentication tells an attacker nothing, is logged without the secret, and stores nothing per token.</summary>
[Collection(SharedServer.Name)]
public class TokenEndpointFailureTests(ExchangeServer server)
{
    [Fact]
    public async Task Unknown_client_id_gets_the_same_answer_as_a_wrong_secret()
    {
        using var raw = new RawHttp2(server.Address);

        var unknown = await raw.SecretAsync("no-such-authority", "guess");
        var wrong = await raw.SecretAsync("sundsvall-kommun", "guess");

        Assert.Equal("invalid_client", wrong.Error);
        Assert.Equal((wrong.Status, wrong.Error, wrong.Description), (unknown.Status, unknown.Error, unknown.Description));
    }

    [Fact]
    public async Task A_token_request_that_claims_to_be_grpc_is_refused_as_a_bad_request_not_a_crash()
    {
        // gRPC calls skip OpenIddict's request handlers; the token endpoint must not, whatever the content type says.
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Address, "/connect/token"))
        {
            Content = new StringContent("grant_type=client_credentials&client_id=sundsvall-kommun&client_secret=guess"),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("Exception", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failed_authentication_is_logged_with_client_and_address_but_never_the_secret()
    {
        using var raw = new RawHttp2(server.Address);
        var secret = $"wrong-{Guid.NewGuid():N}";
        var before = server.Logs.Count;

        await raw.SecretAsync("timra-kommun", secret);

        // Only what this test made the server log: another test's failed authentication of the same client proves nothing here.
        var logs = server.Logs.Skip(before).ToArray();
        Assert.Contains(logs, l => l.Contains("timra-kommun", StringComparison.Ordinal) && l.Contains("127.0.0.1", StringComparison.Ordinal) && l.Contains("failed", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(logs, l => l.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Issuing_tokens_stores_no_row_per_token()
    {
        using var client = server.Demo("harnosand-kommun");
        for (var i = 0; i < 10; i++)
        {
            client.Tokens.Invalidate();
            await client.Tokens.GetTokenAsync();
        }

        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Exchange.Server.Storage.ExchangeDbContext>();
        var application = await db.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication>().SingleAsync(a => a.ClientId == "harnosand-kommun");
        var rows = await db.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken>().CountAsync(t => t.Application!.Id == application.Id);
        Assert.Equal(0, rows);
    }
}

/// <summary>A server whose failure limits are low enough to reach in a test.</summary>
public sealed class ThrottledServer : ExchangeServer
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Exchange:Tokens:FailureThrottle:PerClient"] = "5",
        ["Exchange:Tokens:FailureThrottle:PerAddress"] = "12",
        ["Exchange:Tokens:FailureThrottle:Window"] = "00:05:00",
    };
}

public class TokenEndpointThrottleTests(ThrottledServer server) : IClassFixture<ThrottledServer>
{
    [Fact]
    public async Task Failed_authentications_are_throttled_per_client_and_per_address_and_audited()
    {
        using var raw = new RawHttp2(server.Address);
        var ange = Exchange.Contracts.CredentialFile.Load(server.DemoCredentialPath("ange-kommun"));
        var timra = Exchange.Contracts.CredentialFile.Load(server.DemoCredentialPath("timra-kommun"));
        var kramfors = Exchange.Contracts.CredentialFile.Load(server.DemoCredentialPath("kramfors-kommun"));

        // Per client: five failures for one client id, then even its right secret waits.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("invalid_client", (await raw.SecretAsync("ange-kommun", $"guess-{i}")).Error);
        }
        var throttledClient = await raw.SecretAsync("ange-kommun", ange.ClientSecret!);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttledClient.Status);
        Assert.NotNull(throttledClient.Headers.RetryAfter);
        // Whichever way the request names the client (HTTP Basic here), also beside a decoy client_id.
        var basic = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"ange-kommun:{ange.ClientSecret}"));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await raw.TokenAsync([new("grant_type", "client_credentials")], basic: basic)).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await raw.TokenAsync([new("grant_type", "client_credentials"), new("client_id", "decoy")], basic: basic)).Status);
        // Another client from the same address is not held up by it.
        Assert.Equal(HttpStatusCode.OK, (await raw.SecretAsync("timra-kommun", timra.ClientSecret!)).Status);

        // Per address: failures spread over many client ids, then the address waits.
        for (var i = 0; i < 7; i++)
        {
            await raw.SecretAsync($"sprayed-{i}", "guess");
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await raw.SecretAsync("kramfors-kommun", kramfors.ClientSecret!)).Status);
        // However the token endpoint's path is spelt.
        foreach (var path in new[] { "/connect/token/", "/CONNECT/Token", "/connect/./token" })
        {
            var spelt = await raw.TokenAsync([new("grant_type", "client_credentials"), new("client_id", "kramfors-kommun"), new("client_secret", kramfors.ClientSecret!)], path: path);
            Assert.True(spelt.Status == HttpStatusCode.TooManyRequests, $"{path}: {spelt.Status}");
        }

        // This address is throttled now, the operator's tool included: read the audit log from the store.
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Exchange.Server.Storage.ExchangeDbContext>();
        var audited = await db.AuditEvents.Where(e => e.Action == "token.failures").ToListAsync();
        var failures = Assert.Single(audited, e => e.TargetId == "ange-kommun");
        Assert.Equal("ange-kommun", failures.SubjectAuthorityId);
        Assert.Equal(Exchange.Server.Storage.AuditOutcomeKind.Denied, failures.Outcome);
    }
}
