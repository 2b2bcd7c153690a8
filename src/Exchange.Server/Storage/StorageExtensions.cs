using Exchange.Server.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Storage;

public static class StorageExtensions
{
    /// <summary>Registers the store chosen by <c>Exchange:Storage:Provider</c> and its migration at start-up.</summary>
    public static WebApplicationBuilder AddExchangeStorage(this WebApplicationBuilder builder)
    {
        var options = builder.AddValidatedOptions<StorageOptions>(StorageOptions.Section);
        var dataDirectory = options.ResolveDataDirectory();
        // Keys and credential files live here whichever store holds the data; they are checked before
        // any of them is read, and the repairs are logged once the host runs.
        builder.Services.AddSingleton(new DataDirectoryRepairs(DataDirectory.Secure(dataDirectory)));
        builder.Services.AddHostedService<DataDirectoryReport>();
        builder.Services.AddExchangeDataProtection(dataDirectory);

        switch (options.Provider.ToLowerInvariant())
        {
            case "sqlite":
                var sqlite = options.ConnectionString;
                if (sqlite is null)
                {
                    var file = Path.Combine(dataDirectory, "exchange.db");
                    DataDirectory.CreateSqliteDatabase(file);
                    sqlite = $"Data Source={file}";
                }
                builder.Services.AddDbContext<ExchangeDbContext, SqliteExchangeDbContext>(o => o.UseSqlite(sqlite).UseOpenIddict(), optionsLifetime: ServiceLifetime.Singleton);
                break;
            case "postgres":
            case "postgresql":
                var postgres = options.ConnectionString
                    ?? throw new InvalidOperationException("Exchange:Storage:ConnectionString is required for the PostgreSQL provider.");
                builder.Services.AddDbContext<ExchangeDbContext, PostgresExchangeDbContext>(o => o.UseNpgsql(postgres).UseOpenIddict(), optionsLifetime: ServiceLifetime.Singleton);
                break;
            default:
                // Refused by StorageOptions' validation before this.
                throw new InvalidOperationException($"Unknown Exchange:Storage:Provider '{options.Provider}'; use Sqlite or Postgres.");
        }

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<StartupLock>();
        // The options are built once, not for every call's context (every call has one, for its admission).
        builder.Services.AddHostedService<DatabaseMigrator>();
        builder.Services.AddSingleton<StoreChanges>();
        builder.Services.AddHostedService<StoreChangeListener>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [DatabaseHealthCheck.Readiness]);
        return builder;
    }

}

/// <summary>Applies pending migrations before Kestrel starts accepting calls.</summary>
internal sealed class DatabaseMigrator(IServiceScopeFactory scopes, StartupLock startupLock, ILogger<DatabaseMigrator> logger, IOptions<StorageOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var held = await startupLock.AcquireAsync(cancellationToken);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
        // Created first, so that on an empty database the migrator's look into the history finds a
        // table and logs no failed command an operator would have to learn to ignore.
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        StorageLog.Migrated(logger, options.Value.Provider, options.Value.ResolveDataDirectory());
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Ready when the database answers and holds every migration this server knows (another server may be migrating it).</summary>
internal sealed class DatabaseHealthCheck(ExchangeDbContext db) : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
{
    /// <summary>The tag of the checks <c>/readyz</c> runs.</summary>
    public const string Readiness = "ready";

    public async Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (!await db.Database.CanConnectAsync(cancellationToken))
            {
                return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy("The database cannot be reached.");
            }
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
            return pending == 0
                ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy()
                : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy($"{pending} migrations are not applied yet.");
        }
        catch (Exception e) when (StoreOutage.Find(e) is { } outage)
        {
            return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy($"The database cannot be reached ({StoreOutage.Describe(outage)}).");
        }
    }
}

internal static partial class StorageLog
{
    [LoggerMessage(1, LogLevel.Information, "Store ready: provider {Provider}, data directory {DataDirectory}")]
    public static partial void Migrated(ILogger logger, string provider, string dataDirectory);
}
