using Exchange.Client;
using Exchange.V1;

namespace Exchange.EndToEndTests;

/// <summary>
/// Two servers started at the same moment on one SQLite data directory: the lock file makes one do
/// the first-start work (migrations, keys, bootstrap, demo seed) and the other find it done.
/// </summary>
public sealed class SharedSqliteDirectoryTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), $"exchange-e2e-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Two_servers_started_together_on_one_directory_both_serve_and_seed_once()
    {
        var data = Path.Combine(root, "exchange");
        var environment = new Dictionary<string, string?>
        {
            ["Exchange__Storage__Provider"] = "Sqlite",
            ["Exchange__Storage__DataDirectory"] = data,
            ["Exchange__Demo__Statistics"] = "false",
        };
        var servers = await ExchangeProcess.StartAsync(environment, environment);
        try
        {
            var operatorCredential = Path.Combine(data, "operator-credential.json");
            Assert.True(await Eventually.ValueAsync(() => Task.FromResult(File.Exists(Path.Combine(data, "dev-credentials", "kramfors-kommun.json"))), done => done),
                servers[0].Output + servers[1].Output);
            foreach (var server in servers)
            {
                // The one that waited for the lock finishes starting after the other.
                using var http = new RawHttp2(server.Address);
                Assert.Equal(System.Net.HttpStatusCode.OK, (await Eventually.ValueAsync(() => http.GetAsync("/readyz"), r => r.Status == System.Net.HttpStatusCode.OK, TimeSpan.FromSeconds(60))).Status);
                using var admin = ExchangeClient.Create(o => { o.UseCredentialFile(operatorCredential); o.Address = server.Address; });
                var authorities = (await admin.Admin.ListAuthoritiesAsync(new ListAuthoritiesRequest { PageSize = 100 })).Authorities;
                // The bootstrap operator and the demo's second one, each once: the seed ran once.
                Assert.Equal(2, authorities.Count(a => a.Kind == AuthorityKind.Operator));
                var created = await admin.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { Action = "authority.created", PageSize = 100 });
                Assert.Equal(authorities.Count, created.Events.Count);
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
}
