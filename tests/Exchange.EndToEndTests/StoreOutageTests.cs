using Exchange.Contracts;
using System.Net;
using Google.Protobuf;
using Npgsql;

namespace Exchange.EndToEndTests;

/// <summary>
/// The database goes away under a running server and comes back: callers are told to retry
/// (UNAVAILABLE, 503 temporarily_unavailable) — never UNKNOWN or a refused credential, which no
/// client retries — readiness says so while liveness holds, and the server serves again by itself.
/// </summary>
public sealed class StoreOutageTests : IAsyncLifetime
{
    private readonly string root = Path.Combine(Path.GetTempPath(), $"exchange-e2e-{Guid.NewGuid():N}");
    private PostgresDatabase database = null!;

    // A read of the recipient's inbox: it goes to the database on every call.
    private static readonly byte[] Inbox = new Exchange.V1.ListReferralsRequest { Box = Exchange.V1.ReferralBox.Inbox }.ToByteArray();

    public async Task InitializeAsync() => database = await PostgresDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Calls_and_token_requests_during_a_database_outage_are_answered_as_retryable_and_served_again_after_it()
    {
        var target = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var relay = new TcpRelay(target.Host!, target.Port);
        relay.Open();
        var data = Path.Combine(root, "exchange");
        var connection = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = relay.Port, Timeout = 3 }.ConnectionString;
        await using var server = (await ExchangeProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Exchange__Storage__Provider"] = "Postgres",
            ["Exchange__Storage__ConnectionString"] = connection,
            ["Exchange__Storage__DataDirectory"] = data,
            ["Exchange__Demo__Statistics"] = "false",
        }))[0];
        var path = Path.Combine(data, "dev-credentials", "kramfors-kommun.json");
        // Written by the demo seed once the server listens.
        Assert.True(await Eventually.ValueAsync(() => Task.FromResult(File.Exists(path)), exists => exists), server.Output);
        var credential = CredentialFile.Load(path);
        using var http = new RawHttp2(server.Address);
        var token = (await Eventually.ValueAsync(() => http.SecretAsync("kramfors-kommun", credential.ClientSecret!), r => r.AccessToken is not null)).AccessToken;
        Assert.Equal(0, (await http.GrpcAsync("/exchange.v1.ReferralService/ListReferrals", Inbox, token)).Status);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).Status);

        relay.Cut();

        var call = await http.GrpcAsync("/exchange.v1.ReferralService/ListReferrals", Inbox, token);
        Assert.Equal((int)Grpc.Core.StatusCode.Unavailable, call.Status);
        Assert.Contains("retry", call.Message, StringComparison.OrdinalIgnoreCase);
        var refused = await http.SecretAsync("kramfors-kommun", credential.ClientSecret!);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
        Assert.Equal("temporarily_unavailable", refused.Error);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/readyz")).Status);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).Status);
        Assert.DoesNotContain(server.Lines, line => line.Contains("fail:", StringComparison.Ordinal) && line.Contains("Exception was thrown by handler", StringComparison.Ordinal));

        relay.Open();

        // Recovery: the pool opens new connections on the next call; no restart.
        var renewed = (await Eventually.ValueAsync(() => http.SecretAsync("kramfors-kommun", credential.ClientSecret!), r => r.AccessToken is not null, TimeSpan.FromSeconds(15))).AccessToken;
        Assert.Equal(0, (await http.GrpcAsync("/exchange.v1.ReferralService/ListReferrals", Inbox, renewed)).Status);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).Status);
    }
}
