using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Npgsql;

namespace Exchange.EndToEndTests;

/// <summary>
/// The built server as a process of its own, for what one process cannot show: several servers on
/// one database, each with its own memory. Its output is kept, to show why it failed.
/// </summary>
internal sealed partial class ExchangeProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ExchangeProcess(IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo("dotnet", [ServerProcess.Assembly()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Kestrel__Endpoints__Grpc__Url"] = "http://127.0.0.1:0";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"The server exited ({process.ExitCode}):{Environment.NewLine}{Output}"));
    }

    public ConcurrentQueue<string> Lines { get; } = new();

    public string Output => string.Join(Environment.NewLine, Lines);

    public bool HasExited => process.HasExited;

    public Uri Address => listening.Task.IsCompletedSuccessfully ? listening.Task.Result : throw new InvalidOperationException("Not listening.");

    /// <summary>Starts one server per environment at the same moment and waits until each listens.</summary>
    public static async Task<ExchangeProcess[]> StartAsync(params IReadOnlyDictionary<string, string?>[] environments)
    {
        var servers = environments.Select(e => new ExchangeProcess(e)).ToArray();
        foreach (var server in servers)
        {
            server.process.Start();
            server.process.BeginOutputReadLine();
            server.process.BeginErrorReadLine();
        }
        try
        {
            await Task.WhenAll(servers.Select(s => s.listening.Task)).WaitAsync(TimeSpan.FromSeconds(90));
        }
        catch
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
            throw;
        }
        return servers;
    }

    private void Line(string? line)
    {
        if (line is null)
        {
            return;
        }
        Lines.Enqueue(line);
        if (ListeningPattern().Match(line) is { Success: true } match)
        {
            listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
        await process.WaitForExitAsync();
        process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningPattern();
}

/// <summary>An empty database of its own on the test cluster, owned by a role without superuser rights; dropped afterwards.</summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    private PostgresDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    /// <summary>What the servers connect with.</summary>
    public string ConnectionString { get; }

    public static Task<PostgresDatabase> CreateAsync() => CreateAsync($"exchange_e2e_{Guid.NewGuid():N}");

    /// <summary>The database of a data directory: created by the first server on it, found by the next.</summary>
    public static Task<PostgresDatabase> ForRootAsync(string root) =>
        CreateAsync($"exchange_e2e_{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(root)))[..32]}");

    private static async Task<PostgresDatabase> CreateAsync(string name)
    {
        var admin = new NpgsqlConnectionStringBuilder(PostgresCluster.AdminConnectionString);
        var owner = await PostgresCluster.QueryAsync(admin.ConnectionString, "SELECT count(*) FROM pg_roles WHERE rolname = 'exchange_test_app'",
            async r => await r.ReadAsync() && r.GetInt64(0) == 1) ? "exchange_test_app" : admin.Username!;
        var exists = await PostgresCluster.QueryAsync(admin.ConnectionString, $"SELECT count(*) FROM pg_database WHERE datname = '{name}'",
            async r => await r.ReadAsync() && r.GetInt64(0) == 1);
        if (!exists)
        {
            await PostgresCluster.ExecuteAsync(admin.ConnectionString, $"CREATE DATABASE {name} OWNER {owner}");
        }
        return new PostgresDatabase(name, new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = name, Username = owner }.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await PostgresCluster.ExecuteAsync(PostgresCluster.AdminConnectionString, $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }
}
