using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.EndToEndTests;

/// <summary>What a load balancer and an operator's shell see of a running server.</summary>
[Collection(SharedServer.Name)]
public class HealthEndpointTests(ExchangeServer server)
{
    [Fact]
    public async Task Liveness_and_readiness_answer_healthy_over_http_without_a_token()
    {
        using var http = new RawHttp2(server.Address);

        var live = await http.GetAsync("/healthz");
        var ready = await http.GetAsync("/readyz");

        Assert.Equal((HttpStatusCode.OK, "Healthy"), live);
        Assert.Equal((HttpStatusCode.OK, "Healthy"), ready);
    }
}

public class ServerCommandLineTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_prints_usage_and_exits_without_starting_in_production(string argument)
    {
        var start = new ProcessStartInfo("dotnet", [ServerProcess.Assembly(), argument])
        {
            WorkingDirectory = "/",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Production with nothing configured: started, it would refuse for want of an issuer and TLS.
            Environment = { ["ASPNETCORE_ENVIRONMENT"] = "Production" },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, process.ExitCode);
        Assert.Contains("Usage:", await output, StringComparison.Ordinal);
        Assert.Contains("Exchange:Tokens:Issuer", await output, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", await output, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("", await errors);
    }
}

/// <summary>Data Protection keys outlive the process: kept owner-only in the data directory, found by the next server on it.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataProtectionKeyTests : IAsyncDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), $"exchange-e2e-{Guid.NewGuid():N}");

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task What_one_server_protects_the_next_server_on_the_directory_can_read()
    {
        string protectedText;
        await using (var first = new SqliteServerOnDirectory(root))
        {
            await first.InitializeAsync();
            var protector = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
            protectedText = protector.Protect("kept across restarts");
        }
        var keys = Path.Combine(root, "exchange", "data-protection-keys");
        var files = Directory.GetFiles(keys, "*.xml");
        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.Equal(Exchange.Contracts.OwnerOnlyFile.Mode, File.GetUnixFileMode(file)));

        await using var second = new SqliteServerOnDirectory(root);
        await second.InitializeAsync();
        var reader = second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
        Assert.Equal("kept across restarts", reader.Unprotect(protectedText));
        Assert.DoesNotContain(second.Logs, line => line.Contains("ephemeral", StringComparison.OrdinalIgnoreCase));
    }
}
