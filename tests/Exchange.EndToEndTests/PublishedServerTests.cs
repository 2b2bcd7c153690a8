using System.Diagnostics;
using System.Text.RegularExpressions;
using Grpc.Health.V1;

namespace Exchange.EndToEndTests;

/// <summary>The built server as a process, started the way a service manager starts it: from another working directory.</summary>
public class PublishedServerTests
{
    [Fact]
    public async Task Server_started_from_the_root_directory_loads_its_own_configuration()
    {
        var root = Path.Combine(Path.GetTempPath(), $"exchange-e2e-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo("dotnet", [ServerProcess.Assembly()])
        {
            WorkingDirectory = "/",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["Exchange__Storage__DataDirectory"] = Path.Combine(root, "exchange"),
                // Only the port: the protocol (HTTP/2) and everything else must come from the server's appsettings files.
                ["Kestrel__Endpoints__Grpc__Url"] = "http://127.0.0.1:0",
                ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
            },
        };
        using var process = Process.Start(start)!;
        try
        {
            var address = await ServerProcess.ListeningAddressAsync(process, TimeSpan.FromSeconds(60));
            using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(address);
            var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());

            Assert.NotEqual(HealthCheckResponse.Types.ServingStatus.Unknown, health.Status);
            // The demo seed is switched on by appsettings.Development.json only.
            var credentials = Path.Combine(root, "exchange", "dev-credentials");
            Assert.True(await Eventually.ValueAsync(() => Task.FromResult(File.Exists(Path.Combine(credentials, "sundsvall-kommun.json"))), written => written));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(root, recursive: true);
        }
    }
}

/// <summary>The built server as a process of its own.</summary>
internal static partial class ServerProcess
{
    /// <summary>The server's own build output (src/Exchange.Server/bin/{configuration}/{framework}), as published.</summary>
    public static string Assembly()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var repository = testOutput;
        while (repository is not null && !File.Exists(Path.Combine(repository.FullName, "Exchange.sln")))
        {
            repository = repository.Parent;
        }
        Assert.NotNull(repository);
        return Path.Combine(repository.FullName, "src", "Exchange.Server", "bin", configuration, framework, "Exchange.Server.dll");
    }

    public static async Task<Uri> ListeningAddressAsync(Process process, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var output = new System.Text.StringBuilder();
        while (await process.StandardOutput.ReadLineAsync(cancel.Token) is { } line)
        {
            output.AppendLine(line);
            if (ListeningPattern().Match(line) is { Success: true } match)
            {
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
                return new Uri(match.Groups[1].Value);
            }
        }
        throw new InvalidOperationException($"The server did not start listening:{Environment.NewLine}{output}{await process.StandardError.ReadToEndAsync(CancellationToken.None)}");
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningPattern();
}
