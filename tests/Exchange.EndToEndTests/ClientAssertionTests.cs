using System.Net;
using Exchange.Contracts;
using Exchange.V1;

namespace Exchange.EndToEndTests;

/// <summary>
/// private_key_jwt client assertions are single-use and short-lived: a replayed, open-ended or
/// not-yet-valid assertion gets no token, on one server or on two sharing a database. Each test signs
/// as a police authority of its own with a key of its own, so no other test's use of a key is in its way.
/// </summary>
[Collection(SharedServer.Name)]
public class ClientAssertionTests(ExchangeServer server)
{
    private Uri Audience => new(server.Address, "/");

    [Fact]
    public async Task Well_formed_assertion_gets_a_token()
    {
        var police = await OwnPoliceAsync();
        using var raw = new RawHttp2(server.Address);
        var response = await raw.AssertionAsync(police.ClientId, ClientAssertions.Create(police, Audience));
        Assert.True(response.Status == HttpStatusCode.OK, $"{response.Status}: {response.Error} {response.Description}");
        Assert.False(string.IsNullOrEmpty(response.AccessToken));
    }

    [Fact]
    public async Task Same_assertion_posted_again_is_refused()
    {
        var police = await OwnPoliceAsync();
        using var raw = new RawHttp2(server.Address);
        var assertion = ClientAssertions.Create(police, Audience);
        var before = server.EmittedLogs.Count;

        var first = await raw.AssertionAsync(police.ClientId, assertion);
        var replays = new List<RawHttp2.TokenResponse>();
        for (var i = 0; i < 4; i++)
        {
            replays.Add(await raw.AssertionAsync(police.ClientId, assertion));
        }

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.All(replays, r => Assert.Equal("invalid_client", r.Error));
        // A replay is an expected refusal, not a database error with a stack trace (in what this test made the server log).
        Assert.DoesNotContain(server.EmittedLogs.Skip(before), l => l.Contains("DbUpdateException", StringComparison.Ordinal) || l.Contains("SqliteException", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Concurrent_replays_of_one_assertion_get_one_token()
    {
        var police = await OwnPoliceAsync();
        using var raw = new RawHttp2(server.Address);
        var assertion = ClientAssertions.Create(police, Audience);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => raw.AssertionAsync(police.ClientId, assertion)));

        Assert.Single(responses, r => r.Status == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r.Status != HttpStatusCode.OK), r => Assert.Equal("invalid_client", r.Error));
    }

    [Theory]
    [InlineData("jti")]
    [InlineData("exp")]
    public async Task Assertion_without_a_required_claim_is_refused(string claim)
    {
        var police = await OwnPoliceAsync();
        using var raw = new RawHttp2(server.Address);
        var response = await raw.AssertionAsync(police.ClientId, ClientAssertions.Create(police, Audience, c => c.Remove(claim)));
        Assert.Equal("invalid_client", response.Error);
    }

    [Fact]
    public async Task Assertion_valid_for_a_year_is_refused()
    {
        var police = await OwnPoliceAsync();
        using var raw = new RawHttp2(server.Address);
        var response = await raw.AssertionAsync(police.ClientId, ClientAssertions.Create(police, Audience,
            c => c["exp"] = DateTimeOffset.UtcNow.AddYears(1).ToUnixTimeSeconds()));
        Assert.Equal("invalid_client", response.Error);
    }

    [Fact]
    public async Task Assertion_not_valid_until_next_year_is_refused()
    {
        var police = await OwnPoliceAsync();
        using var raw = new RawHttp2(server.Address);
        var response = await raw.AssertionAsync(police.ClientId, ClientAssertions.Create(police, Audience, c =>
        {
            c["nbf"] = DateTimeOffset.UtcNow.AddYears(1).ToUnixTimeSeconds();
            c["exp"] = DateTimeOffset.UtcNow.AddYears(1).AddMinutes(2).ToUnixTimeSeconds();
        }));
        Assert.Equal("invalid_client", response.Error);
    }

    [Fact]
    public async Task Assertion_issued_in_the_future_is_refused()
    {
        var police = await OwnPoliceAsync();
        using var raw = new RawHttp2(server.Address);
        var response = await raw.AssertionAsync(police.ClientId, ClientAssertions.Create(police, Audience,
            c => c["iat"] = DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds()));
        Assert.Equal("invalid_client", response.Error);
    }

    [Fact]
    public async Task Assertion_for_another_audience_is_refused()
    {
        var police = await OwnPoliceAsync();
        using var raw = new RawHttp2(server.Address);
        var response = await raw.AssertionAsync(police.ClientId, ClientAssertions.Create(police, new Uri("https://exchange.other-county.example/")));
        Assert.Equal("invalid_client", response.Error);
    }

    /// <summary>A police authority of the test's own, registered with its own key: the credential an assertion is signed with.</summary>
    private async Task<CredentialFile> OwnPoliceAsync()
    {
        var (client, _) = await server.NewAuthorityWithKeyAsync(AuthorityKind.Police, "statistics.report", "referrals.send");
        using var _ = client;
        return new CredentialFile { ClientId = client.Options.ClientId, PrivateKeyPem = client.Options.PrivateKeyPem, KeyId = client.Options.KeyId };
    }
}

/// <summary>Two server processes on one database remember the same assertions.</summary>
public class ClientAssertionAcrossServersTests
{
    [Fact]
    public async Task Assertion_used_on_one_server_is_refused_by_the_other()
    {
        await using var first = new ExchangeServer();
        await first.InitializeAsync();
        await using var second = new ServerOnDirectory(first.Root);
        await second.InitializeAsync();
        var police = CredentialFile.Load(first.DemoCredentialPath("polisregion-nord"));
        using var toFirst = new RawHttp2(first.Address);
        using var toSecond = new RawHttp2(second.Address);
        // Each server is its own issuer in Development (derived from the request), so the assertion
        // names the audience each expects: sent to the second with the first's host name, as a load
        // balancer would forward it.
        var assertion = ClientAssertions.Create(police, new Uri(first.Address, "/"));

        var accepted = await toFirst.AssertionAsync("polisregion-nord", assertion);
        var replayed = await toSecond.TokenAsync([
            new("grant_type", "client_credentials"), new("client_id", "polisregion-nord"),
            new("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), new("client_assertion", assertion),
        ], host: first.Address.Authority);

        Assert.Equal(HttpStatusCode.OK, accepted.Status);
        Assert.Equal("invalid_client", replayed.Error);
    }
}
