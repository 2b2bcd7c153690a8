using System.Collections.Concurrent;
using System.Security.Cryptography;
using Exchange.Client;
using Exchange.V1;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Exchange.EndToEndTests;

/// <summary>A case system's worker for several kommuner: named clients from configuration in one host, health checks and rich errors, against the real server.</summary>
[Collection(SharedServer.Name)]
public sealed class ClientHostingTests(ExchangeServer server) : IDisposable
{
    private readonly string secrets = Directory.CreateTempSubdirectory("exchange-e2e-keys-").FullName;

    [Fact]
    public async Task Two_named_clients_for_two_authorities_work_side_by_side_in_one_host_and_report_healthy()
    {
        var sundsvall = Exchange.Contracts.CredentialFile.Load(server.DemoCredentialPath("sundsvall-kommun"));
        var region = Exchange.Contracts.CredentialFile.Load(server.DemoCredentialPath("region-vasternorrland"));
        // A mounted secret, as in production: the key file, not the key, is in configuration.
        var keyPath = Path.Combine(secrets, "sundsvall.pem");
        await File.WriteAllTextAsync(keyPath, sundsvall.PrivateKeyPem);
        using var host = Host(new()
        {
            ["Exchange:Sundsvall:Address"] = server.Address.ToString(),
            ["Exchange:Sundsvall:ClientId"] = sundsvall.ClientId,
            ["Exchange:Sundsvall:PrivateKeyPath"] = keyPath,
            ["Exchange:Sundsvall:KeyId"] = sundsvall.KeyId,
            ["Exchange:Region:Address"] = server.Address.ToString(),
            ["Exchange:Region:ClientId"] = region.ClientId,
            ["Exchange:Region:ClientSecret"] = region.ClientSecret,
            ["Exchange:Region:Scopes:0"] = "statistics.read",
        }, services =>
        {
            services.AddHealthChecks().AddExchange("sundsvall").AddExchange("region");
        }, "sundsvall", "region");
        await host.StartAsync();

        var sundsvallClient = host.Services.GetRequiredKeyedService<ExchangeClient>("sundsvall");
        var regionStatistics = host.Services.GetRequiredKeyedService<StatisticsService.StatisticsServiceClient>("region");
        var indicators = await regionStatistics.ListIndicatorsAsync(new ListIndicatorsRequest());
        var sundsvallToken = await sundsvallClient.Tokens.GetTokenAsync();
        var regionToken = await host.Services.GetRequiredService<IExchangeClientFactory>().GetClient("region").Tokens.GetTokenAsync();
        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.NotEmpty(indicators.Indicators);
        Assert.Equal(["statistics.read"], regionToken.Scopes);
        Assert.Contains("statistics.report", sundsvallToken.Scopes);
        Assert.Equal("sundsvall-kommun", sundsvallClient.Options.ClientId);
        Assert.True(health.Status == HealthStatus.Healthy, string.Join("; ", health.Entries.Select(e => $"{e.Key}: {e.Value.Description}")));
        Assert.Equal(["exchange-region", "exchange-sundsvall"], health.Entries.Keys.Order());
        await host.StopAsync();
    }

    [Fact]
    public async Task Health_check_of_a_client_whose_credential_is_refused_is_unhealthy_with_the_cause_and_no_secret()
    {
        const string wrongSecret = "not-the-secret-0123456789";
        using var rsa = RSA.Create(2048);
        var unknownKey = Path.Combine(secrets, "unknown.pem");
        await File.WriteAllTextAsync(unknownKey, rsa.ExportPkcs8PrivateKeyPem());
        using var host = Host(new()
        {
            ["Exchange:Kramfors:Address"] = server.Address.ToString(),
            ["Exchange:Kramfors:ClientId"] = "kramfors-kommun",
            ["Exchange:Kramfors:ClientSecret"] = wrongSecret,
            ["Exchange:Timra:Address"] = server.Address.ToString(),
            ["Exchange:Timra:ClientId"] = "timra-kommun",
            ["Exchange:Timra:PrivateKeyPath"] = unknownKey,
            ["Exchange:Timra:KeyId"] = "timra-never-registered",
        }, services =>
        {
            services.AddHealthChecks().AddExchange("kramfors").AddExchange("timra", failureStatus: HealthStatus.Degraded);
        }, "kramfors", "timra");
        await host.StartAsync();

        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var kramfors = health.Entries["exchange-kramfors"];
        var timra = health.Entries["exchange-timra"];
        Assert.Equal(HealthStatus.Unhealthy, kramfors.Status);
        Assert.Equal(HealthStatus.Degraded, timra.Status);
        Assert.Contains("invalid_client", kramfors.Description);
        Assert.Contains("invalid_client", timra.Description);
        Assert.DoesNotContain(wrongSecret, kramfors.Description);
        Assert.DoesNotContain(wrongSecret, string.Join(" ", kramfors.Data.Values));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_host_with_incomplete_exchange_options_does_not_start()
    {
        using var host = Host(new()
        {
            ["Exchange:Sundsvall:ClientId"] = "sundsvall-kommun",
            ["Exchange:Sundsvall:PrivateKeyPath"] = "/run/secrets/sundsvall.pem",
        }, _ => { }, "sundsvall");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Exchange client 'sundsvall': ExchangeClientOptions.Address is required", error.Message);
        Assert.Contains("KeyId is required", error.Message);
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("PS256")]
    public async Task A_key_that_only_a_signing_callback_can_use_gets_tokens_the_server_accepts(string algorithm)
    {
        var (withSecret, id) = await server.NewAuthorityAsync(AuthorityKind.Region, "statistics.read");
        using var _ = withSecret;
        // Stands in for a key in an HSM: the client never sees it, only the callback signs with it.
        using var hsmKey = RSA.Create(2048);
        var keyId = $"{id}-hsm";
        await withSecret.Account.AddOwnKeyAsync(new AddOwnKeyRequest { PublicJwk = TestKeys.Jwk(hsmKey, keyId) });
        var padding = algorithm == "PS256" ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        var signatures = 0;
        using var client = server.Connect(o =>
        {
            o.ClientId = id;
            o.KeyId = keyId;
            o.SigningAlgorithm = algorithm;
            o.SignAsync = (input, _) =>
            {
                Interlocked.Increment(ref signatures);
                return ValueTask.FromResult(hsmKey.SignData(input.Span, HashAlgorithmName.SHA256, padding));
            };
        });

        var indicators = await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());

        Assert.NotEmpty(indicators.Indicators);
        Assert.Equal(1, signatures);
    }

    [Fact]
    public async Task Field_violations_of_a_bad_submission_are_read_with_the_helper()
    {
        using var sundsvall = server.Demo("sundsvall-kommun");

        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await sundsvall.Statistics.SubmitStatisticsAsync(new SubmitStatisticsRequest
        {
            Cells = { new Cell { IndicatorCode = "", Period = new Period { Year = 1999, Number = 9 }, AreaCode = "2281", Count = -1 } },
        }));

        var violations = error.GetFieldViolations();
        Assert.NotEmpty(violations);
        Assert.All(violations, v => Assert.StartsWith("cells[0]", v.Field));
        Assert.All(violations, v => Assert.False(string.IsNullOrWhiteSpace(v.Description)));
        Assert.Equal(
            error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.Select(v => (v.Field, v.Description)),
            violations);
    }

    private static IHost Host(Dictionary<string, string?> settings, Action<IServiceCollection> configure, params string[] names)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        foreach (var name in names)
        {
            var section = char.ToUpperInvariant(name[0]) + name[1..];
            builder.Services.AddExchangeClient(name, builder.Configuration.GetSection($"Exchange:{section}"));
        }
        configure(builder.Services);
        return builder.Build();
    }

    public void Dispose() => Directory.Delete(secrets, recursive: true);
}

/// <summary>What the client does when the server goes away or refuses its key, against real servers.</summary>
public class ClientResilienceTests
{
    [Fact]
    public async Task An_idempotent_call_made_while_the_server_restarts_succeeds_within_its_deadline()
    {
        var root = Path.Combine(Path.GetTempPath(), $"exchange-e2e-{Guid.NewGuid():N}");
        var port = FreePort();
        var logs = new ConcurrentQueue<string>();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(new CapturingLoggerProvider(logs)));
        try
        {
            var before = new FixedPortServer(root, port);
            await before.InitializeAsync();
            using var region = before.Connect(o =>
            {
                o.UseCredentialFile(before.DemoCredentialPath("region-vasternorrland"));
                o.PrivateKeyPem = null;
                o.LoggerFactory = loggers;
            });
            await region.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());
            await before.DisposeAsync();

            // The server is down when the call starts; it is retried until the server on the same
            // directory and port listens again, as after a deployment.
            var call = region.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest(), deadline: DateTime.UtcNow.AddSeconds(60)).ResponseAsync;
            await Eventually.ValueAsync(() => Task.FromResult(logs.Count(l => l.Contains("Retrying", StringComparison.Ordinal))), n => n >= 2);
            Assert.False(call.IsCompleted, call.Exception?.ToString());
            await using var after = new FixedPortServer(root, port);
            await after.InitializeAsync();

            var response = await call;

            Assert.NotEmpty(response.Indicators);
            Assert.Contains(logs, l => l.Contains("Retrying /exchange.v1.StatisticsService/ListIndicators for region-vasternorrland (attempt 2)", StringComparison.Ordinal));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            // A stopped server may still close or remove a file: delete as the other servers' directories are.
            await ExchangeServer.DeleteDirectoryAsync(root);
        }
    }

    [Fact]
    public async Task With_wait_for_ready_a_call_made_while_the_server_is_down_waits_for_it_without_retries()
    {
        var root = Path.Combine(Path.GetTempPath(), $"exchange-e2e-{Guid.NewGuid():N}");
        var port = FreePort();
        var logs = new ConcurrentQueue<string>();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(new CapturingLoggerProvider(logs)));
        try
        {
            var before = new FixedPortServer(root, port);
            await before.InitializeAsync();
            using var region = before.Connect(o =>
            {
                o.UseCredentialFile(before.DemoCredentialPath("region-vasternorrland"));
                o.PrivateKeyPem = null;
                o.WaitForReady = true;
                o.MaxAttempts = 1;
                o.LoggerFactory = loggers;
            });
            await region.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());
            await before.DisposeAsync();

            var call = region.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest(), deadline: DateTime.UtcNow.AddSeconds(60)).ResponseAsync;
            // Without wait-for-ready (and without retries) this call would have failed by now.
            await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(1)));
            Assert.False(call.IsCompleted, call.Exception?.ToString());
            await using var after = new FixedPortServer(root, port);
            await after.InitializeAsync();

            Assert.NotEmpty((await call).Indicators);
            Assert.DoesNotContain(logs, l => l.Contains("Retrying", StringComparison.Ordinal));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            // A stopped server may still close or remove a file: delete as the other servers' directories are.
            await ExchangeServer.DeleteDirectoryAsync(root);
        }
    }

    [Fact]
    public async Task Calls_with_an_unknown_or_revoked_key_fail_unauthenticated_and_do_not_hammer_the_token_endpoint()
    {
        await using var server = new ExchangeServer();
        await server.InitializeAsync();
        var tokenRequests = 0;
        using var rsa = RSA.Create(2048);
        using var unknown = server.Connect(o =>
        {
            o.ClientId = "kramfors-kommun";
            o.PrivateKeyPem = rsa.ExportPkcs8PrivateKeyPem();
            o.KeyId = "kramfors-never-registered";
            o.CreateHttpHandler = () => new CountingHandler("/connect/token", () => Interlocked.Increment(ref tokenRequests));
        });

        var failures = new List<RpcException>();
        for (var i = 0; i < 40; i++)
        {
            failures.Add(await RpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await unknown.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest())));
        }

        Assert.InRange(tokenRequests, 1, 2);
        Assert.All(failures, f => Assert.Contains("invalid_client", f.Status.Detail));
        Assert.Equal("invalid_client", failures[^1].GetTokenRefusal()?.Error);

        // A key that worked, revoked by the operators: its next token is refused the same way.
        var (withKey, id) = await server.NewAuthorityWithKeyAsync(AuthorityKind.Region, "statistics.read");
        using var _ = withKey;
        await withKey.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());
        using var admin = server.Operator();
        var key = (await admin.Admin.ListCredentialsAsync(new ListCredentialsRequest { AuthorityId = id })).Credentials.Single(c => !string.IsNullOrEmpty(c.KeyId));
        await admin.Admin.RevokeCredentialAsync(new RevokeCredentialRequest { CredentialId = key.Id, Reason = "key leaked" });
        await RpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await withKey.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest()));
        var refused = await RpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await withKey.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest()));
        Assert.Equal("invalid_client", refused.GetTokenRefusal()?.Error);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Counts requests to one path, passing every request on.</summary>
    private sealed class CountingHandler(string path, Action count) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri?.AbsolutePath == path)
            {
                count();
            }
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>A server on a given directory and port: stopped and started again, it is where its clients left it.</summary>
    private sealed class FixedPortServer(string root, int port) : ExchangeServer(root)
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
        {
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{port}",
        };
    }
}
