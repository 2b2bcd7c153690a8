using System.Runtime.InteropServices;
using Exchange.Client;
using Grpc.Core;

namespace Exchange.Bench;

/// <summary>One run: starts (or targets) the server, runs every scenario that is not skipped with the same clients, reports.</summary>
internal static class BenchRun
{
    public static async Task<int> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var startTime = DateTimeOffset.UtcNow;
        ServerUnderTest server;
        try
        {
            server = await ServerUnderTest.StartOrTargetAsync(settings, cancellationToken);
        }
        catch (BenchSetupException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
        await using (server)
        {
            BenchClients clients;
            try
            {
                clients = new BenchClients(server, settings.Connections);
                await clients.WarmTokensAsync(cancellationToken);
            }
            catch (Exception e) when (e is BenchSetupException or RpcException or ExchangeAuthenticationException)
            {
                await Console.Error.WriteLineAsync($"Cannot connect the demo authorities: {Text.Describe(e)}");
                return 2;
            }
            using (clients)
            {
                var scenarios = new Scenarios(settings, server, clients);
                var outcomes = new List<ScenarioOutcome>();
                foreach (var name in ScenarioNames.All)
                {
                    if (!settings.Runs(name))
                    {
                        outcomes.Add(ScenarioOutcome.Skipped(name));
                        continue;
                    }
                    await Console.Error.WriteLineAsync($"== {name}");
                    ScenarioOutcome outcome;
                    try
                    {
                        outcome = await scenarios.RunAsync(name, cancellationToken);
                    }
                    catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                    {
                        outcome = new ScenarioOutcome(name, "failed", Text.Describe(e), []);
                    }
                    if (outcome.Status == "failed")
                    {
                        await Console.Error.WriteLineAsync($"   {name} FAILED: {outcome.Error}");
                    }
                    outcomes.Add(outcome);
                }

                var report = new BenchReport(
                    StartTime: startTime,
                    EndTime: DateTimeOffset.UtcNow,
                    Mode: settings.Mode,
                    Provider: settings.Provider,
                    Concurrency: settings.Concurrency,
                    Connections: settings.Connections,
                    DurationSeconds: settings.Duration.TotalSeconds,
                    Server: settings.TargetUrl is null ? $"started by the bench ({server.Address})" : server.Address.ToString(),
                    Machine: new MachineInfo(Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription,
                        RuntimeInformation.ProcessArchitecture.ToString(), Environment.MachineName),
                    Scenarios: outcomes);
                Console.WriteLine();
                Console.WriteLine(Text.Invariant($"Exchange bench, {report.Mode} mode, {report.Provider}, concurrency {report.Concurrency}, connections {report.Connections}, {report.Machine.ProcessorCount} processors, {report.Machine.OperatingSystem}, {report.Machine.DotNet}, started {report.StartTime:u}"));
                Console.WriteLine(ReportWriter.Table(report));
                await ReportWriter.WriteJsonAsync(report, settings.OutputPath, cancellationToken);
                await Console.Error.WriteLineAsync($"Results written to {Path.GetFullPath(settings.OutputPath)}");
                return outcomes.Any(o => o.Status == "failed") ? 1 : 0;
            }
        }
    }
}
