using System.Diagnostics;
using Npgsql;

namespace Exchange.EndToEndTests;

/// <summary>
/// A real PostgreSQL server on loopback: the one in EXCHANGE_TEST_POSTGRES (a connection string of a
/// role that may create databases), else the local one that <c>scripts/start-postgres.sh</c>
/// installs, starts and prints. Asked once per test run.
/// </summary>
public static class PostgresCluster
{
    private static readonly Lazy<string> Admin = new(Find, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A superuser's connection string: creates and drops the tests' databases and reads the server's files.</summary>
    public static string AdminConnectionString => Admin.Value;

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable("EXCHANGE_TEST_POSTGRES") is { Length: > 0 } given)
        {
            return given;
        }
        var script = Path.Combine(RepositoryRoot(), "scripts", "start-postgres.sh");
        using var process = Process.Start(new ProcessStartInfo(script) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/start-postgres.sh could not provide a PostgreSQL server: {errors.Result}");
        }
        return output.Result.Trim().Split('\n')[^1];
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Exchange.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("The repository root (with Exchange.sln) is not above the test assembly.");
    }

    public static async Task<T> QueryAsync<T>(string connectionString, string sql, Func<NpgsqlDataReader, Task<T>> read)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        return await read(reader);
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// The real server on PostgreSQL: a fresh database of its own, owned by a role without superuser
/// rights (the server migrates it on start, as in production), dropped afterwards.
/// </summary>
public class PostgresServer : ExchangeServer
{
    protected override bool OnPostgres => true;

    /// <summary>A superuser's connection to the same database, for what the tests read behind the server's back.</summary>
    public string AdminConnectionString => new NpgsqlConnectionStringBuilder(PostgresCluster.AdminConnectionString) { Database = DatabaseName, Pooling = false }.ConnectionString;

    /// <summary>
    /// Every byte the server keeps on disk for this database (its tables, indexes and TOAST) and every
    /// write-ahead log segment, read through the server itself after a checkpoint: what a stolen disk or
    /// a file-level backup holds.
    /// </summary>
    public async Task<List<(string File, byte[] Bytes)>> RawFilesAsync()
    {
        await PostgresCluster.ExecuteAsync(AdminConnectionString, "CHECKPOINT");
        const string Sql = """
            SELECT f, pg_read_binary_file(f) FROM (
              SELECT 'base/' || d.oid || '/' || name AS f FROM pg_database d, pg_ls_dir('base/' || d.oid) AS name WHERE d.datname = current_database()
              UNION ALL SELECT 'pg_wal/' || name FROM pg_ls_waldir()) files
            WHERE f ~ '/[0-9A-F_a-z.]+$' AND f !~ 'pg_internal'
            """;
        return await PostgresCluster.QueryAsync(AdminConnectionString, Sql, async reader =>
        {
            var files = new List<(string, byte[])>();
            while (await reader.ReadAsync())
            {
                files.Add((reader.GetString(0), (byte[])reader.GetValue(1)));
            }
            return files;
        });
    }
}
