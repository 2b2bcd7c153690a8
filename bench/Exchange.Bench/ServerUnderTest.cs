using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Exchange.Client;
using Exchange.V1;

namespace Exchange.Bench;

/// <summary>
/// The server the run measures: one this process starts (a fresh data directory, the demo authorities,
/// the echo service on, no per-authority rate limit) and stops at the end, or a running one given by
/// <c>--url</c>. Knows where the credential files are and how to reach the database directly.
/// </summary>
internal sealed partial class ServerUnderTest : IAsyncDisposable
{
    private readonly Process? process;
    private readonly string? temporaryDirectory;
    private readonly ConcurrentQueue<string> output = new();

    private ServerUnderTest(Uri address, string credentialsDirectory, string? operatorCredential, RawDatabase? database, string? databaseMissing,
        Process? process, string? temporaryDirectory)
    {
        Address = address;
        CredentialsDirectory = credentialsDirectory;
        OperatorCredential = operatorCredential;
        Database = database;
        DatabaseMissing = databaseMissing;
        this.process = process;
        this.temporaryDirectory = temporaryDirectory;
    }

    private static readonly string[] OperatorCredentialFiles = ["operator-credential.json", "exchange-operator.json"];

    public Uri Address { get; private set; }

    public string CredentialsDirectory { get; }

    public string? OperatorCredential { get; }

    /// <summary>The server's own database, for the raw baselines; null when it cannot be had (see <see cref="DatabaseMissing"/>).</summary>
    public RawDatabase? Database { get; }

    public string? DatabaseMissing { get; }

    public string CredentialFile(string authorityId) => Path.Combine(CredentialsDirectory, $"{authorityId}.json");

    public static async Task<ServerUnderTest> StartOrTargetAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        if (settings.TargetUrl is { } url)
        {
            var directory = Path.GetFullPath(settings.CredentialsDirectory!);
            var operatorFile = OperatorCredentialFiles.Select(f => Path.Combine(directory, f)).FirstOrDefault(File.Exists);
            RawDatabase? database = null;
            string? missing = null;
            if (settings.Database is { Length: > 0 } given)
            {
                database = settings.IsPostgres ? RawDatabase.Postgres(given) : RawDatabase.Sqlite(Path.GetFullPath(given));
            }
            else
            {
                missing = "not measured: no --database given for the server at --url";
            }
            var target = new ServerUnderTest(url, directory, operatorFile, database, missing, null, null);
            await target.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(30), cancellationToken);
            return target;
        }
        return await StartAsync(settings, cancellationToken);
    }

    private static async Task<ServerUnderTest> StartAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var dll = settings.ServerDll ?? Path.Combine(RepositoryRoot(), "src", "Exchange.Server", "bin", "Release", "net10.0", "Exchange.Server.dll");
        if (!File.Exists(dll))
        {
            throw new BenchSetupException($"No server at {dll}: build it first: dotnet build -c Release src/Exchange.Server");
        }
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"exchange-bench-{Guid.NewGuid():N}");
        // Only the owner may read it: it will hold credentials (the server checks).
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(dataDirectory);
        }
        else
        {
            Directory.CreateDirectory(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Exchange__Storage__DataDirectory"] = dataDirectory;
        start.Environment["Kestrel__Endpoints__Grpc__Url"] = "http://127.0.0.1:0";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Exchange__Benchmark__Echo"] = "true";
        start.Environment["Exchange__RateLimits__CallsPerSecondPerAuthority"] = "0";
        start.Environment["Exchange__Demo__Seed"] = "true";
        start.Environment["Exchange__Demo__Statistics"] = "false";
        RawDatabase database;
        if (settings.IsPostgres)
        {
            start.Environment["Exchange__Storage__Provider"] = "Postgres";
            start.Environment["Exchange__Storage__ConnectionString"] = settings.PostgresConnectionString;
            database = RawDatabase.Postgres(settings.PostgresConnectionString!);
        }
        else
        {
            database = RawDatabase.Sqlite(Path.Combine(dataDirectory, "exchange.db"));
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = new ServerUnderTest(new Uri("http://127.0.0.1"), Path.Combine(dataDirectory, "dev-credentials"),
            Path.Combine(dataDirectory, "operator-credential.json"), database, null, process, dataDirectory);
        void Line(string? line)
        {
            if (line is null)
            {
                return;
            }
            server.output.Enqueue(line);
            while (server.output.Count > 200 && server.output.TryDequeue(out _))
            {
            }
            if (ListeningPattern().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        }
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        process.Exited += (_, _) => listening.TrySetException(new BenchSetupException($"The server exited ({process.ExitCode}):{Environment.NewLine}{server.Output}"));
        Console.Error.WriteLine($"Starting {dll} ({settings.Provider}, data in {dataDirectory}) …");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            server.Address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(90), cancellationToken);
            Console.Error.WriteLine($"Server listening on {server.Address}; waiting for its first-start work …");
            await server.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(120), cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public string Output => string.Join(Environment.NewLine, output.TakeLast(60));

    /// <summary>Waits for the demo credentials and a call that succeeds: until its first-start work is done, the server answers UNAVAILABLE.</summary>
    private async Task WaitUntilAnsweringAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var credential = CredentialFile(Authorities.Police);
        string? lastError = null;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process is { HasExited: true })
            {
                throw new BenchSetupException($"The server exited ({process.ExitCode}):{Environment.NewLine}{Output}");
            }
            if (File.Exists(credential))
            {
                try
                {
                    using var police = ExchangeClient.Create(o =>
                    {
                        o.UseCredentialFile(credential);
                        o.Address = Address;
                        o.MaxAttempts = 2;
                    });
                    await police.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
                    return;
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    lastError = Text.Describe(e);
                }
            }
            else
            {
                lastError = $"no credential file {credential} yet";
            }
            await Task.Delay(250, cancellationToken);
        }
        throw new BenchSetupException($"The server at {Address} did not answer in {timeout.TotalSeconds:F0} s: {lastError}{Environment.NewLine}{Output}");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Exchange.sln")))
            {
                return directory.FullName;
            }
        }
        throw new BenchSetupException($"No Exchange.sln above {AppContext.BaseDirectory}: give the server with --server-dll.");
    }

    public async ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                Console.Error.WriteLine($"Could not stop the server: {e.Message}");
            }
            process.Dispose();
        }
        if (temporaryDirectory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            for (var attempt = 0; attempt < 5 && Directory.Exists(temporaryDirectory); attempt++)
            {
                try
                {
                    Directory.Delete(temporaryDirectory, recursive: true);
                }
                catch (IOException) when (attempt < 4)
                {
                    await Task.Delay(500);
                }
                catch (IOException e)
                {
                    Console.Error.WriteLine($"Could not delete {temporaryDirectory}: {e.Message}");
                }
            }
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningPattern();
}

/// <summary>The run cannot start: no server, no credentials, a bad option.</summary>
internal sealed class BenchSetupException(string message) : Exception(message);

/// <summary>The demo authorities the scenarios act as (DemoSeed).</summary>
internal static class Authorities
{
    public const string Police = "polisregion-nord";
    public const string ReferralRecipient = "kramfors-kommun";
    public const string CountyReader = "lansstyrelsen-vasternorrland";

    /// <summary>The kommunkoder of Västernorrland (county 22), where polisregion-nord reports.</summary>
    public static readonly IReadOnlyList<string> Municipalities = ["2260", "2262", "2280", "2281", "2282", "2283", "2284"];
}
