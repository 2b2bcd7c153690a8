using System.Security.Cryptography;
using Exchange.Client;
using Exchange.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Exchange.EndToEndTests;

/// <summary>
/// The real server (its Program, configuration files and Development demo seed) on real Kestrel, on a
/// free loopback port, with a fresh SQLite file in its own temporary data directory.
/// </summary>
public class ExchangeServer : IAsyncLifetime, IAsyncDisposable
{
    private WebApplicationFactory<Program>? factory;
    private readonly bool ownsRoot;

    public ExchangeServer()
        : this(null)
    {
    }

    /// <summary>A server on the data directory (and so the database) of another, when <paramref name="sharedRoot"/> is given.</summary>
    protected ExchangeServer(string? sharedRoot)
    {
        Root = sharedRoot ?? Path.Combine(Path.GetTempPath(), $"exchange-e2e-{Guid.NewGuid():N}");
        ownsRoot = sharedRoot is null;
    }

    public string Root { get; }

    /// <summary>
    /// Whether the suite runs on PostgreSQL: <c>EXCHANGE_TEST_STORE=postgres</c> (CI runs the suite once
    /// so, after the run on SQLite).
    /// </summary>
    public static readonly bool PostgresForAll = string.Equals(Environment.GetEnvironmentVariable("EXCHANGE_TEST_STORE"), "postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether this server keeps its store in PostgreSQL; a test that reads SQLite's own files says no.</summary>
    protected virtual bool OnPostgres => PostgresForAll;

    private PostgresDatabase? database;

    /// <summary>The PostgreSQL database's name, when the server is on PostgreSQL.</summary>
    public string DatabaseName => database?.Name ?? "";

    /// <summary>What the server connects with, when it is on PostgreSQL.</summary>
    public string ConnectionString => database?.ConnectionString ?? "";

    /// <summary>The hosting environment; Development unless a fixture plays production.</summary>
    protected virtual string EnvironmentName => "Development";

    /// <summary>The server's services, to read what it configured.</summary>
    public IServiceProvider Services => factory!.Services;

    /// <summary>The data directory, laid out as the default one is under a user's XDG data home.</summary>
    public string DataDirectory => Path.Combine(Root, "exchange");

    public Uri Address { get; private set; } = null!;

    /// <summary>Every log line the server wrote, with its exception, to check what never appears in logs.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>The log lines the server's configured levels let through: what an operator's log holds.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> EmittedLogs { get; } = new();

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Kestrel:Endpoints:Grpc:Url"] = "http://127.0.0.1:0",
        ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
        // Every test calls from 127.0.0.1 and many fail on purpose: only the throttle's own tests
        // (ThrottledServer) run with limits they can reach.
        ["Exchange:Tokens:FailureThrottle:PerClient"] = "100000",
        ["Exchange:Tokens:FailureThrottle:PerAddress"] = "100000",
        // Tests that read statistics report their own; only the demo's own test (DemoStatisticsServer) seeds it.
        ["Exchange:Demo:Statistics"] = "false",
    };

    /// <summary>Replaces the server's services, after its own registrations.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public virtual async Task InitializeAsync()
    {
        if (OnPostgres)
        {
            // Named after the data directory, so that servers on one directory share one database too.
            database = await PostgresDatabase.ForRootAsync(Root);
        }
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment(EnvironmentName);
            builder.UseSetting("Exchange:Storage:DataDirectory", DataDirectory);
            // Every level of every category, whatever appsettings filters for the console.
            builder.ConfigureLogging(logging => logging
                .AddProvider(new CapturingLoggerProvider(Logs)).AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace)
                .AddProvider(new EmittedLoggerProvider(EmittedLogs)));
            if (database is not null)
            {
                builder.UseSetting("Exchange:Storage:Provider", "Postgres");
                builder.UseSetting("Exchange:Storage:ConnectionString", database.ConnectionString);
            }
            // After the store: a test that sets the store itself (a wrong provider, say) has the last word.
            foreach (var (key, value) in Settings)
            {
                builder.UseSetting(key, value);
            }
            builder.ConfigureTestServices(ConfigureServices);
        });
        factory.UseKestrel();
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Address = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        await Task.CompletedTask;
    }

    public virtual async Task DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        if (ownsRoot && database is not null)
        {
            await database.DisposeAsync();
        }
        if (ownsRoot)
        {
            await DeleteDirectoryAsync(Root);
        }
    }

    /// <summary>
    /// Deletes a server's directory, trying again briefly: a file the stopped host closes or removes
    /// late (SQLite's journal, say) can make a recursive delete meet a directory that is not empty.
    /// </summary>
    internal static async Task DeleteDirectoryAsync(string path)
    {
        for (var attempt = 1; Directory.Exists(path); attempt++)
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (IOException) when (attempt < 10)
            {
                await Task.Delay(200);
            }
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await DisposeAsync();
        GC.SuppressFinalize(this);
    }

    public string OperatorCredentialPath => Path.Combine(DataDirectory, "operator-credential.json");

    public string DemoCredentialPath(string authorityId) => Path.Combine(DataDirectory, "dev-credentials", $"{authorityId}.json");

    public virtual ExchangeClient Connect(Action<ExchangeClientOptions> configure) => ExchangeClient.Create(o =>
    {
        o.Address = Address;
        configure(o);
    });

    /// <summary>The operator, from the credential the server wrote on first start.</summary>
    public ExchangeClient Operator() => Connect(o => o.UseCredentialFile(OperatorCredentialPath));

    /// <summary>A demo authority with its client secret (or, with <paramref name="useKey"/>, its private key).</summary>
    public ExchangeClient Demo(string authorityId, bool useKey = false, params string[] scopes) => Connect(o =>
    {
        o.UseCredentialFile(DemoCredentialPath(authorityId));
        if (useKey)
        {
            o.ClientSecret = null;
        }
        else
        {
            o.PrivateKeyPem = null;
        }
        foreach (var scope in scopes)
        {
            o.Scopes.Add(scope);
        }
    });

    /// <summary>A channel that sends no token at all.</summary>
    public GrpcChannel AnonymousChannel() => GrpcChannel.ForAddress(Address);

    /// <summary>Registers a fresh authority of the kind with the scopes granted, returning a client using a new secret.</summary>
    public Task<(ExchangeClient Client, string AuthorityId)> NewAuthorityAsync(AuthorityKind kind, params string[] scopes) =>
        NewAuthorityInAsync(kind, kind == AuthorityKind.Municipality ? ["2281"] : [], scopes);

    /// <summary>Registers a fresh authority registered for <paramref name="areaCodes"/>, as <see cref="NewAuthorityAsync"/> does.</summary>
    public async Task<(ExchangeClient Client, string AuthorityId)> NewAuthorityInAsync(AuthorityKind kind, string[] areaCodes, params string[] scopes)
    {
        using var admin = Operator();
        var id = $"t-{Guid.NewGuid():N}"[..20];
        await admin.Admin.CreateAuthorityAsync(new CreateAuthorityRequest
        {
            Authority = new Authority
            {
                Id = id,
                Name = $"Test {kind}",
                Kind = kind,
                OrganisationNumber = NewOrganisationNumber(kind == AuthorityKind.Shelter),
                AreaCodes = { areaCodes },
            },
        });
        foreach (var scope in scopes)
        {
            await admin.Admin.CreateGrantAsync(new CreateGrantRequest { AuthorityId = id, Scope = scope, Reason = "end-to-end test" });
        }
        var secret = await admin.Admin.AddSecretCredentialAsync(new AddSecretCredentialRequest { AuthorityId = id });
        return (Connect(o => { o.ClientId = id; o.ClientSecret = secret.ClientSecret; }), id);
    }

    /// <summary>
    /// Registers a fresh authority as <see cref="NewAuthorityAsync"/> does, which then adds a key of its own
    /// (its onboarding secret stays): returns a client that signs in with the private key alone.
    /// </summary>
    public async Task<(ExchangeClient Client, string AuthorityId)> NewAuthorityWithKeyAsync(AuthorityKind kind, params string[] scopes)
    {
        var (withSecret, id) = await NewAuthorityAsync(kind, scopes);
        using var _ = withSecret;
        using var rsa = RSA.Create(2048);
        var keyId = $"{id}-key";
        await withSecret.Account.AddOwnKeyAsync(new AddOwnKeyRequest { PublicJwk = TestKeys.Jwk(rsa, keyId) });
        var privateKeyPem = rsa.ExportPkcs8PrivateKeyPem();
        return (Connect(o => { o.ClientId = id; o.PrivateKeyPem = privateKeyPem; o.KeyId = keyId; }), id);
    }

    /// <summary>A valid organisation number no other test uses (a shelter's starts with 8): each authority has its own.</summary>
    public static string NewOrganisationNumber(bool shelter = false)
    {
        // The third digit is at least 2 (what keeps an organisation number apart from a personnummer).
        var digits = (shelter ? "8" : "2") + Random.Shared.Next(10) + Random.Shared.Next(2, 10) + Random.Shared.Next(1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        return digits + Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .First(check => Exchange.Server.Validation.Identifiers.LuhnValid(digits + check));
    }

    /// <summary>The demo seed's second operator (break glass needs two).</summary>
    public const string SecondOperatorId = "exchange-operator-2";

    /// <summary>
    /// The second operator of the demo seed, with its secret and key (in production, operators come from
    /// configuration: the API creates none, so tests on a shared server must leave this one as it is).
    /// </summary>
    public ExchangeClient SecondOperator() => Connect(o => o.UseCredentialFile(DemoCredentialPath(SecondOperatorId)));
}

/// <summary>
/// A server on a clock the tests move: token lifetimes, grant periods and audit windows pass at once,
/// and tests wait for no real time. Its clients renew tokens and date client assertions on the same clock.
/// </summary>
public class ClockedServer : ExchangeServer
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);

    public override ExchangeClient Connect(Action<ExchangeClientOptions> configure) => base.Connect(o =>
    {
        o.TimeProvider = Clock;
        configure(o);
    });
}

/// <summary>A server on a data directory the test owns: another server's (one database, two servers), or one prepared beforehand.</summary>
public sealed class ServerOnDirectory(string root) : ExchangeServer(root);

/// <summary>A server on SQLite whatever the suite runs on: for tests that read or change SQLite's own files.</summary>
public sealed class SqliteServer : ExchangeServer
{
    protected override bool OnPostgres => false;
}

/// <summary><see cref="ServerOnDirectory"/> on SQLite whatever the suite runs on.</summary>
public sealed class SqliteServerOnDirectory(string root) : ExchangeServer(root)
{
    protected override bool OnPostgres => false;
}

/// <summary><see cref="ClockedServer"/> on SQLite whatever the suite runs on.</summary>
public sealed class SqliteClockedServer : ClockedServer
{
    protected override bool OnPostgres => false;
}

/// <summary>One shared server for the tests that do not change server-wide state.</summary>
[CollectionDefinition(Name)]
public sealed class SharedServer : ICollectionFixture<ExchangeServer>
{
    public const string Name = "shared server";
}

public static class RpcAssert
{
    public static async Task<RpcException> FailsWith(StatusCode code, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(code == error.StatusCode, $"Expected {code}, got {error.StatusCode}: {error.Status.Detail}");
        return error;
    }
}

/// <summary>Keys an authority or a test makes for itself.</summary>
public static class TestKeys
{
    /// <summary>The public half of <paramref name="rsa"/> as a JWK, as an authority registers it.</summary>
    public static string Jwk(RSA rsa, string keyId)
    {
        var p = rsa.ExportParameters(false);
        return System.Text.Json.JsonSerializer.Serialize(new
        {
            kty = "RSA",
            kid = keyId,
            n = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(p.Modulus),
            e = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(p.Exponent),
        });
    }
}

/// <summary>Captures as <see cref="CapturingLoggerProvider"/>, but under the configured log levels (a separate type, so its filters are the defaults).</summary>
internal sealed class EmittedLoggerProvider(System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILoggerProvider
{
    private readonly CapturingLoggerProvider inner = new(lines);

    public ILogger CreateLogger(string categoryName) => inner.CreateLogger(categoryName);

    public void Dispose() => inner.Dispose();
}

internal sealed class CapturingLoggerProvider(System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
