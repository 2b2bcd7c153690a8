using System.Data.Common;
using Exchange.Server.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Exchange.Server.Referrals;

/// <summary>
/// The referrals' wrapped data keys, kept apart from the data: SQLite in a file of its own, PostgreSQL
/// in a schema of its own (or another database). A backup of the data then holds only ciphertext, and
/// deleting a key here erases its referral everywhere the data was copied. SQLite overwrites what it
/// deletes (secure_delete) and keeps no write-ahead log, so a deleted key leaves no bytes behind in
/// its files; on PostgreSQL the table is vacuumed after each deletion for the same end.
/// </summary>
public sealed class ReferralKeyStore(IOptions<ReferralOptions> options, IOptions<StorageOptions> storage)
{
    private readonly bool postgres = storage.Value.IsPostgres;

    private string Table => postgres ? "referral_keys.data_keys" : "data_keys";

    private readonly string connectionString = options.Value.KeyStoreConnectionString
        ?? (storage.Value.IsPostgres
            ? storage.Value.ConnectionString!
            : $"Data Source={Path.Combine(storage.Value.ResolveDataDirectory(), "referral-keys.db")};Pooling=False");

    /// <summary>The SQLite file, when the store is one; for tests and operators looking for it.</summary>
    public string? SqliteFile => postgres ? null : new SqliteConnectionStringBuilder(connectionString).DataSource;

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        DbConnection connection = postgres ? new NpgsqlConnection(connectionString) : new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        if (!postgres)
        {
            await ExecuteAsync(connection, "PRAGMA secure_delete = ON; PRAGMA busy_timeout = 5000;", cancellationToken);
        }
        return connection;
    }

    public async Task CreateAsync(CancellationToken cancellationToken)
    {
        if (SqliteFile is { } file)
        {
            Exchange.Contracts.OwnerOnlyFile.ReadOrCreate(file, () => "");
        }
        await using var connection = await OpenAsync(cancellationToken);
        var sql = postgres
            ? "CREATE SCHEMA IF NOT EXISTS referral_keys; CREATE TABLE IF NOT EXISTS referral_keys.data_keys (referral_id varchar(36) PRIMARY KEY, kek_id varchar(64) NOT NULL, wrapped bytea NOT NULL);"
            : "PRAGMA journal_mode = DELETE; CREATE TABLE IF NOT EXISTS data_keys (referral_id TEXT PRIMARY KEY, kek_id TEXT NOT NULL, wrapped BLOB NOT NULL);";
        await ExecuteAsync(connection, sql, cancellationToken);
    }

    public async Task StoreAsync(string referralId, string kekId, byte[] wrapped, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO {Table} (referral_id, kek_id, wrapped) VALUES (@id, @kek, @wrapped) ON CONFLICT (referral_id) DO UPDATE SET kek_id = excluded.kek_id, wrapped = excluded.wrapped";
        Add(command, "@id", referralId);
        Add(command, "@kek", kekId);
        Add(command, "@wrapped", wrapped);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<(string KekId, byte[] Wrapped)?> FindAsync(string referralId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT kek_id, wrapped FROM {Table} WHERE referral_id = @id";
        Add(command, "@id", referralId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), (byte[])reader.GetValue(1)) : null;
    }

    /// <summary>Destroys a referral's data key; true when there was one.</summary>
    public async Task<bool> DestroyAsync(string referralId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM {Table} WHERE referral_id = @id";
        Add(command, "@id", referralId);
        var destroyed = await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        if (destroyed && postgres)
        {
            // PostgreSQL keeps a deleted row's bytes in the table file until the table is vacuumed:
            // vacuumed now, so the destroyed key is gone from the files, not only from queries. (Its
            // write-ahead log still holds it until the segment is recycled; see docs/security.md.)
            await ExecuteAsync(connection, $"VACUUM {Table}", cancellationToken);
        }
        return destroyed;
    }

    /// <summary>The referrals whose data keys are wrapped by another key than <paramref name="kekId"/>.</summary>
    public async Task<List<string>> WrappedByOtherThanAsync(string kekId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT referral_id FROM {Table} WHERE kek_id <> @kek ORDER BY referral_id";
        Add(command, "@kek", kekId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }
        return ids;
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
