using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Exchange.DevIdp.Tests;

/// <summary>
/// The built IdP as a process of its own on a free loopback port (real Kestrel, configuration from
/// its appsettings.json and environment variables, as a developer or the web app's tests run it),
/// with a data directory of its own. Its output is kept, to show why it failed and what it logged.
/// </summary>
internal sealed partial class DevIdpProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DevIdpProcess(ProcessStartInfo start)
    {
        process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"The IdP exited ({process.ExitCode}):{Environment.NewLine}{Output}"));
    }

    public ConcurrentQueue<string> Lines { get; } = new();

    public string Output => string.Join(Environment.NewLine, Lines);

    /// <summary>The address it listens on, without a trailing slash.</summary>
    public Uri Address => listening.Task.Result;

    /// <summary>Starts the IdP in Development on 127.0.0.1 and a free port, and waits until it listens.</summary>
    public static async Task<DevIdpProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = StartInfo("Development", ["--urls", "http://127.0.0.1:0"]);
        start.Environment["DevIdp__DataDirectory"] = dataDirectory;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        var idp = new DevIdpProcess(start);
        idp.process.Start();
        idp.process.BeginOutputReadLine();
        idp.process.BeginErrorReadLine();
        try
        {
            await idp.listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await idp.DisposeAsync();
            throw;
        }
        return idp;
    }

    /// <summary>Runs the IdP in an environment and returns how it ended, for one that is expected to refuse.</summary>
    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunToExitAsync(string environmentName, string dataDirectory)
    {
        var start = StartInfo(environmentName, ["--urls", "http://127.0.0.1:0"]);
        start.Environment["DevIdp__DataDirectory"] = dataDirectory;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The IdP did not exit in {environmentName}: it started where it must refuse.");
        }
        return (process.ExitCode, await output, await error);
    }

    private static ProcessStartInfo StartInfo(string environmentName, string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", [Assembly(), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Only what the test says decides the environment, not what the test runner happens to have.
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environmentName;
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        return start;
    }

    /// <summary>The IdP's own build output (src/Exchange.DevIdp/bin/{configuration}/{framework}).</summary>
    private static string Assembly()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var repository = testOutput;
        while (repository is not null && !File.Exists(Path.Combine(repository.FullName, "Exchange.sln")))
        {
            repository = repository.Parent;
        }
        Assert.NotNull(repository);
        return Path.Combine(repository.FullName, "src", "Exchange.DevIdp", "bin", testOutput.Parent!.Name, testOutput.Name, "Exchange.DevIdp.dll");
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

/// <summary>A data directory of a test's own under the temp directory, removed afterwards.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "exchange-devidp-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
