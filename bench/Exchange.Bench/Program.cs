using System.CommandLine;

namespace Exchange.Bench;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var concurrency = new Option<int>("--concurrency") { Description = "Calls in flight at once in the unary scenarios.", DefaultValueFactory = _ => 64 };
        var connections = new Option<int>("--connections") { Description = "HTTP/2 channels per authority, used round-robin by the workers.", DefaultValueFactory = _ => 1 };
        var duration = new Option<double>("--duration") { Description = "Seconds measured per unary scenario, after a 2 s warm-up.", DefaultValueFactory = _ => 10 };
        var shortMode = new Option<bool>("--short") { Description = "CI mode: about 2 s per scenario, 10,000 and 50,000 stored cells, 20 deliveries. Proves it works, not speed." };
        var output = new Option<string>("--out") { Description = "Where the results go as JSON.", DefaultValueFactory = _ => "bench-results.json" };
        var skip = new Option<string[]>("--skip")
        {
            Description = "Scenarios not to run: " + string.Join(", ", ScenarioNames.All) + " (space- or comma-separated).",
            AllowMultipleArgumentsPerToken = true,
        };
        var serverDll = new Option<string?>("--server-dll") { Description = "The server to start. Default: src/Exchange.Server/bin/Release/net10.0/Exchange.Server.dll of this repository." };
        var provider = new Option<string>("--provider") { Description = "The server's store: sqlite or postgres.", DefaultValueFactory = _ => "sqlite" };
        provider.AcceptOnlyFromAmong("sqlite", "postgres");
        var postgres = new Option<string?>("--postgres") { Description = "With --provider postgres: the connection string of an EMPTY database for the started server." };
        var url = new Option<string?>("--url") { Description = "Target a running server instead of starting one (needs --credentials)." };
        var credentials = new Option<string?>("--credentials") { Description = "With --url: the directory of the authorities' credential files (polisregion-nord.json, …, operator-credential.json)." };
        var queryLevels = new Option<long[]>("--query-levels")
        {
            Description = "Stored cells at which QueryStatistics is measured, smaller first (default 1000000 10000000; short: 10000 50000).",
            AllowMultipleArgumentsPerToken = true,
        };
        var database = new Option<string?>("--database") { Description = "With --url: the server's SQLite file or PostgreSQL connection string (with --provider), for the raw-database baselines." };

        var root = new RootCommand("Load generator for Exchange: calls/s and latency of its RPCs against an echo on the same server, bulk ingestion and queries against raw SQL on the same database, and referral delivery latency.");
        foreach (var option in new Option[] { concurrency, connections, duration, shortMode, output, skip, serverDll, provider, postgres, url, credentials, database, queryLevels })
        {
            root.Options.Add(option);
        }
        static List<string> Problems(ParseResult result, Option<int> concurrency, Option<int> connections, Option<double> duration, Option<string[]> skip,
            Option<string?> url, Option<string?> credentials, Option<string> provider, Option<string?> postgres)
        {
            var problems = new List<string>();
            if (result.GetValue(concurrency) < 1)
            {
                problems.Add("--concurrency must be at least 1.");
            }
            if (result.GetValue(connections) < 1)
            {
                problems.Add("--connections must be at least 1.");
            }
            if (result.GetValue(duration) <= 0)
            {
                problems.Add("--duration must be more than 0 seconds.");
            }
            var unknown = Skipped(result.GetValue(skip)).Where(s => !ScenarioNames.All.Contains(s)).ToList();
            if (unknown.Count > 0)
            {
                problems.Add($"Unknown scenario(s) in --skip: {string.Join(", ", unknown)}. Known: {string.Join(", ", ScenarioNames.All)}.");
            }
            var target = result.GetValue(url);
            if (target is not null && !Uri.TryCreate(target, UriKind.Absolute, out _))
            {
                problems.Add("--url must be an absolute address, e.g. http://127.0.0.1:5080.");
            }
            if (target is not null && result.GetValue(credentials) is null)
            {
                problems.Add("--url needs --credentials: the directory of the credential files.");
            }
            if (target is null && result.GetValue(provider) == "postgres" && string.IsNullOrWhiteSpace(result.GetValue(postgres)))
            {
                problems.Add("--provider postgres needs --postgres \"<connection string of an EMPTY database>\".");
            }
            return problems;
        }
        root.SetAction(async (parse, cancellationToken) =>
        {
            if (Problems(parse, concurrency, connections, duration, skip, url, credentials, provider, postgres) is { Count: > 0 } problems)
            {
                foreach (var problem in problems)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync(problem);
                }
                return 2;
            }
            var isShort = parse.GetValue(shortMode);
            var settings = new BenchSettings(
                Concurrency: parse.GetValue(concurrency),
                Connections: parse.GetValue(connections),
                Duration: isShort ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(parse.GetValue(duration)),
                WarmUp: TimeSpan.FromSeconds(2),
                Short: isShort,
                OutputPath: parse.GetValue(output)!,
                Skipped: Skipped(parse.GetValue(skip)).ToHashSet(StringComparer.Ordinal),
                ServerDll: parse.GetValue(serverDll),
                Provider: parse.GetValue(provider)!,
                PostgresConnectionString: parse.GetValue(postgres),
                TargetUrl: parse.GetValue(url) is { } address ? new Uri(address) : null,
                CredentialsDirectory: parse.GetValue(credentials),
                Database: parse.GetValue(database))
            {
                QueryLevelsGiven = parse.GetValue(queryLevels) is { Length: > 0 } levels ? [.. levels.Order()] : null,
            };
            return await BenchRun.RunAsync(settings, cancellationToken);
        });
        return await root.Parse(args).InvokeAsync();
    }

    private static IEnumerable<string> Skipped(string[]? given) =>
        (given ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
