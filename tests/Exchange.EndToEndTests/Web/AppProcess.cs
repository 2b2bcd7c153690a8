using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Exchange.EndToEndTests.Web;

/// <summary>
/// A built web project of this repository (the development IdP, the web app) as a process of its own
/// on a loopback port, in Development. Its output is kept, to show why it failed.
/// </summary>
internal sealed class AppProcess : IAsyncDisposable
{
    private readonly Process process;

    private AppProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
    }

    public Uri Address { get; }

    public ConcurrentQueue<string> Lines { get; } = new();

    public string Output => string.Join(Environment.NewLine, Lines);

    /// <summary>A free port on loopback, for a process that must know its own address before it starts (redirect URIs, issuers).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts <c>src/{project}</c>'s build output on <paramref name="port"/> (as <c>localhost</c>) and waits until it answers HTTP.</summary>
    public static async Task<AppProcess> StartAsync(string project, int port, IReadOnlyDictionary<string, string?> environment)
    {
        var address = new Uri($"http://localhost:{port}/");
        // Not a project reference: its appsettings would be copied over the server's in this test's folder.
        // Building the solution (dotnet test Exchange.sln) builds it.
        var assembly = Assembly(project);
        Assert.True(File.Exists(assembly), $"{assembly} is missing: build the solution first (dotnet build Exchange.sln).");
        var start = new ProcessStartInfo("dotnet", [assembly, "--urls", $"http://localhost:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var app = new AppProcess(new Process { StartInfo = start, EnableRaisingEvents = true }, address);
        app.process.OutputDataReceived += (_, e) => Keep(app, e.Data);
        app.process.ErrorDataReceived += (_, e) => Keep(app, e.Data);
        app.process.Start();
        app.process.BeginOutputReadLine();
        app.process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (app.process.HasExited)
            {
                throw new InvalidOperationException($"{project} exited ({app.process.ExitCode}):{Environment.NewLine}{app.Output}");
            }
            try
            {
                using var response = await http.GetAsync(address);
                return app;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
            catch (TaskCanceledException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }

    private static void Keep(AppProcess app, string? line)
    {
        if (line is not null)
        {
            app.Lines.Enqueue(line);
        }
    }

    private static string Assembly(string project)
    {
        var server = ServerProcess.Assembly();
        // src/Exchange.Server/bin/{configuration}/{framework}/Exchange.Server.dll → src/{project}/bin/{configuration}/{framework}/{project}.dll
        var framework = Path.GetDirectoryName(server)!;
        var configuration = Path.GetDirectoryName(framework)!;
        var source = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(configuration)!)!)!;
        return Path.Combine(source, project, "bin", Path.GetFileName(configuration), Path.GetFileName(framework), $"{project}.dll");
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
}
