using Microsoft.Extensions.Options;
using Npgsql;

namespace Exchange.Server.Storage;

/// <summary>
/// Serialises first-start work (migrations, the key store's schema, the operator bootstrap, the demo
/// seed) between servers that start at the same moment on one store. Each step checks what exists
/// before it creates anything, so under this lock the second server finds the first one's work done
/// instead of racing it. PostgreSQL: a session advisory lock on a connection of its own. SQLite: an
/// exclusive lock file in the data directory, which is where every server on that file keeps its files.
/// </summary>
public sealed class StartupLock(IOptions<StorageOptions> options, TimeProvider time)
{
    // Distinct from the audit chain's transaction lock.
    private const long AdvisoryKey = 7341820913;

    public async Task<IAsyncDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        var storage = options.Value;
        if (storage.IsPostgres)
        {
            var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(storage.ConnectionString) { Pooling = false }.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using (var command = new NpgsqlCommand($"SELECT pg_advisory_lock({AdvisoryKey})", connection))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            // Closing the session releases the lock, also when the process dies holding it.
            return connection;
        }
        // Another server on this directory may hold it; it is released when that server's first-start work ends or it dies.
        return await Exchange.Contracts.OwnerOnlyFile.LockAsync(Path.Combine(storage.ResolveDataDirectory(), "startup.lock"), time, cancellationToken);
    }
}
