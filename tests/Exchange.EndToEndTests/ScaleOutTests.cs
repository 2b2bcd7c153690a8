using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Exchange.Client;
using Exchange.Contracts;
using Exchange.V1;
using Grpc.Core;
using static Exchange.EndToEndTests.ReferralTestData;

namespace Exchange.EndToEndTests;

/// <summary>
/// Two server processes on one PostgreSQL database serve the same authorities: they start together
/// on an empty database, accept each other's tokens, share what a client assertion used, and a
/// referral sent through one reaches a recipient watching on the other at once.
/// </summary>
public sealed class ScaleOutTests : IAsyncLifetime
{
    private readonly string root = Path.Combine(Path.GetTempPath(), $"exchange-e2e-{Guid.NewGuid():N}");
    private PostgresDatabase database = null!;

    public async Task InitializeAsync()
    {
        OwnerOnlyFile.CreateDirectory(root);
        database = await PostgresDatabase.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        Directory.Delete(root, recursive: true);
    }

    // What clients reach the replicas by (behind a load balancer): tokens name it, assertions are addressed to it.
    private static readonly Uri Issuer = new("http://exchange.test/");

    private Dictionary<string, string?> OnDatabase(string dataDirectory) => new()
    {
        ["Exchange__Tokens__Issuer"] = Issuer.ToString(),
        ["Exchange__Storage__Provider"] = "Postgres",
        ["Exchange__Storage__ConnectionString"] = database.ConnectionString,
        ["Exchange__Storage__DataDirectory"] = dataDirectory,
        ["Exchange__Demo__Statistics"] = "false",
    };

    [Fact]
    public async Task Two_servers_started_at_the_same_moment_on_an_empty_database_both_come_up_and_serve()
    {
        // One data directory as well: both generate keys into it at the same moment.
        var data = Path.Combine(root, "exchange");
        var servers = await ExchangeProcess.StartAsync(OnDatabase(data), OnDatabase(data));
        try
        {
            foreach (var server in servers)
            {
                using var kramfors = await ReadyAsync(server, Path.Combine(data, "dev-credentials", "kramfors-kommun.json"));
                Assert.NotEmpty((await kramfors.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest())).Indicators);
            }
            using var admin = ExchangeClient.Create(o => { o.UseCredentialFile(Path.Combine(data, "operator-credential.json")); o.Address = servers[1].Address; o.Issuer = Issuer; });
            var authorities = (await admin.Admin.ListAuthoritiesAsync(new ListAuthoritiesRequest { PageSize = 100 })).Authorities;
            // The bootstrap operator and the demo's second one, each once; the demo seed ran once.
            Assert.Equal(2, authorities.Count(a => a.Kind == AuthorityKind.Operator));
            var seeded = await admin.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { Action = "authority.created", PageSize = 100 });
            Assert.Equal(authorities.Count, seeded.Events.Count);
            var verified = await admin.Admin.VerifyAuditLogAsync(new VerifyAuditLogRequest());
            Assert.True(verified.Intact, verified.ChainProblem + verified.CheckpointProblem);

            // A token from one is a token for the other: they generated one key, not two.
            var secret = CredentialFile.Load(Path.Combine(data, "dev-credentials", "kramfors-kommun.json")).ClientSecret!;
            using var first = new RawHttp2(servers[0].Address);
            using var second = new RawHttp2(servers[1].Address);
            var token = (await first.SecretAsync("kramfors-kommun", secret)).AccessToken;
            Assert.Equal(0, (await second.GrpcAsync("/exchange.v1.StatisticsService/ListIndicators", [], token)).Status);

            foreach (var server in servers)
            {
                Assert.False(server.HasExited, server.Output);
                Assert.DoesNotContain(server.Lines, l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal) || l.Contains("Unhandled exception", StringComparison.Ordinal));
            }
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Servers_with_keys_from_configuration_share_tokens_assertions_revocations_and_referrals()
    {
        var keys = Path.Combine(root, "keys");
        OwnerOnlyFile.CreateDirectory(keys);
        using (var rsa = RSA.Create(3072))
        {
            OwnerOnlyFile.Write(Path.Combine(keys, "token-signing.pem"), rsa.ExportPkcs8PrivateKeyPem());
        }
        Dictionary<string, string?> Configured(string name)
        {
            var environment = OnDatabase(Path.Combine(root, name));
            environment["Exchange__Tokens__SigningKeyPath"] = Path.Combine(keys, "token-signing.pem");
            environment["Exchange__Tokens__EncryptionKey"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
            environment["Exchange__Referrals__KeyEncryptionKeys__k1"] = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());
            environment["Exchange__Referrals__ActiveKeyEncryptionKey"] = "k1";
            return environment;
        }
        // The first seeds the demo (its credentials land in its own directory); the second finds it done.
        var first = (await ExchangeProcess.StartAsync(Configured("a")))[0];
        var credentials = Path.Combine(root, "a", "dev-credentials");
        try
        {
            (await ReadyAsync(first, Path.Combine(credentials, "polisregion-nord.json"))).Dispose();
            var second = (await ExchangeProcess.StartAsync(Configured("b")))[0];
            try
            {
                (await ReadyAsync(second, Path.Combine(credentials, "kramfors-kommun.json"))).Dispose();
                await SharedAsync(first, second, credentials);
            }
            finally
            {
                await second.DisposeAsync();
            }
        }
        finally
        {
            await first.DisposeAsync();
        }
    }

    private static async Task SharedAsync(ExchangeProcess first, ExchangeProcess second, string credentials)
    {
        var kramforsCredential = CredentialFile.Load(Path.Combine(credentials, "kramfors-kommun.json"));
        using var toFirst = new RawHttp2(first.Address);
        using var toSecond = new RawHttp2(second.Address);

        // A token issued by the first is accepted by the second.
        var token = (await toFirst.SecretAsync("kramfors-kommun", kramforsCredential.ClientSecret!)).AccessToken;
        Assert.NotNull(token);
        Assert.Equal(0, (await toSecond.GrpcAsync("/exchange.v1.StatisticsService/ListIndicators", [], token)).Status);

        // A client assertion used at the first is refused by the second.
        var police = CredentialFile.Load(Path.Combine(credentials, "polisregion-nord.json"));
        var assertion = ClientAssertions.Create(police, Issuer);
        Assert.Equal(HttpStatusCode.OK, (await toFirst.AssertionAsync("polisregion-nord", assertion)).Status);
        Assert.Equal("invalid_client", (await toSecond.AssertionAsync("polisregion-nord", assertion)).Error);

        // A referral sent through the first reaches a recipient watching on the second at once, each time.
        using var sender = ExchangeClient.Create(o => { o.UseCredentialFile(Path.Combine(credentials, "polisregion-nord.json")); o.Address = first.Address; o.Issuer = Issuer; });
        using var recipient = ExchangeClient.Create(o => { o.UseCredentialFile(Path.Combine(credentials, "kramfors-kommun.json")); o.Address = second.Address; o.Issuer = Issuer; });
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var watch = recipient.Referrals.WatchReferrals(new WatchReferralsRequest(), cancellationToken: stop.Token);
        await watch.ResponseHeadersAsync;
        // One unmeasured first, so that a cold server's first send (its code paths compiled on first use) is not counted.
        var warmUp = (await sender.Referrals.SendReferralAsync(Referral("kramfors-kommun", DateTimeOffset.UtcNow))).Referral.Id;
        while (await watch.ResponseStream.MoveNext(stop.Token) && watch.ResponseStream.Current.Referral.Id != warmUp)
        {
        }
        var delays = new List<TimeSpan>();
        string? last = null;
        for (var i = 0; i < 5; i++)
        {
            last = (await sender.Referrals.SendReferralAsync(Referral("kramfors-kommun", DateTimeOffset.UtcNow))).Referral.Id;
            // From the moment the send returns, when the referral is stored, to the watcher on the other server.
            var clock = Stopwatch.StartNew();
            while (await watch.ResponseStream.MoveNext(stop.Token) && watch.ResponseStream.Current.Referral.Id != last)
            {
            }
            delays.Add(clock.Elapsed);
            // Not in step with the watchers' poll (every 2 s), so that a poll cannot pass for a notification.
            await Task.Delay(TimeSpan.FromMilliseconds(300 + (137 * i)));
        }
        Assert.All(delays, d => Assert.True(d < TimeSpan.FromSeconds(1), $"Delivered after {string.Join(", ", delays.Select(x => $"{x.TotalMilliseconds:F0} ms"))}"));
        // Sealed by one, opened by the other: the key-encryption keys are the configured ones.
        var opened = await recipient.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = last });
        Assert.Equal(Personnummer, opened.Referral.Subject.Identifier);

        // A grant revoked through the first is refused on the recipient's next call to the second.
        using var admin = ExchangeClient.Create(o => { o.UseCredentialFile(Path.Combine(credentials, "..", "operator-credential.json")); o.Address = first.Address; o.Issuer = Issuer; });
        var grant = (await admin.Admin.ListGrantsAsync(new ListGrantsRequest { AuthorityId = "kramfors-kommun" })).Grants.Single(g => g.Scope == "referrals.receive" && g.RevokeTime is null);
        Assert.Equal(0, (await toSecond.GrpcAsync("/exchange.v1.StatisticsService/ListIndicators", [], token)).Status);
        await admin.Admin.RevokeGrantAsync(new RevokeGrantRequest { GrantId = grant.Id, Reason = "end-to-end test" });
        Assert.Equal((int)StatusCode.Unauthenticated, (await toSecond.GrpcAsync("/exchange.v1.StatisticsService/ListIndicators", [], token)).Status);
    }

    /// <summary>A client of the server once its first-start work is done (its credential written, its calls taken).</summary>
    private static async Task<ExchangeClient> ReadyAsync(ExchangeProcess server, string credentialPath)
    {
        Assert.True(await Eventually.ValueAsync(() => Task.FromResult(File.Exists(credentialPath)), written => written), server.Output);
        var client = ExchangeClient.Create(o => { o.UseCredentialFile(credentialPath); o.Address = server.Address; o.Issuer = Issuer; });
        var ready = await Eventually.ValueAsync(async () =>
        {
            try
            {
                await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());
                return true;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
            {
                return false;
            }
        }, ready => ready, TimeSpan.FromSeconds(90));
        Assert.True(ready, $"The server did not take calls (exited: {server.HasExited}):{Environment.NewLine}{server.Output}");
        return client;
    }
}
