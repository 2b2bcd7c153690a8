using System.Diagnostics;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Exchange.EndToEndTests.Web;

/// <summary>A development server that trusts the development IdP at <see cref="Issuer"/> for people.</summary>
public sealed class DevIdpTrustingServer(string issuer) : ExchangeServer
{
    public string Issuer { get; } = issuer;

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Exchange:People:Issuer"] = Issuer;
            settings["Exchange:People:Audience"] = "exchange-web";
            // The dashboard's tests read what a newcomer's Development server shows: the demo statistics.
            settings["Exchange:Demo:Statistics"] = "true";
            return settings;
        }
    }
}

/// <summary>
/// The whole system as a person meets it, on loopback: the development IdP and the web app as
/// processes of their own, the exchange server on real Kestrel, and Debian's Chromium driven by
/// Playwright, headless. One for all browser tests: starting it takes seconds, a browser context per
/// test keeps their sessions apart.
/// </summary>
public sealed class WebSystem : IAsyncLifetime
{
    private readonly string idpData = Path.Combine(Path.GetTempPath(), $"exchange-devidp-{Guid.NewGuid():N}");
    private AppProcess? idp;
    private AppProcess? web;
    private IPlaywright? playwright;

    public DevIdpTrustingServer Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public Uri WebAddress => web!.Address;

    public string Output => $"IdP:{Environment.NewLine}{idp?.Output}{Environment.NewLine}Web:{Environment.NewLine}{web?.Output}";

    public async Task InitializeAsync()
    {
        var (idpPort, webPort) = (AppProcess.FreePort(), AppProcess.FreePort());
        var webAddress = $"http://localhost:{webPort}";
        idp = await AppProcess.StartAsync("Exchange.DevIdp", idpPort, new Dictionary<string, string?>
        {
            ["DevIdp__DataDirectory"] = idpData,
            ["DevIdp__Clients__0__ClientId"] = "exchange-web",
            ["DevIdp__Clients__0__RedirectUris__0"] = $"{webAddress}/signin-oidc",
            ["DevIdp__Clients__0__PostLogoutRedirectUris__0"] = $"{webAddress}/signout-callback-oidc",
        });
        Server = new DevIdpTrustingServer($"http://localhost:{idpPort}/");
        await Server.InitializeAsync();
        // The demo seed writes the web app party's credential once the server listens.
        for (var waited = 0; !File.Exists(Server.DemoCredentialPath("exchange-web")); waited++)
        {
            Assert.True(waited < 600, "The server wrote no credential for the web app:" + Environment.NewLine + string.Join(Environment.NewLine, Server.Logs));
            await Task.Delay(100);
        }
        web = await AppProcess.StartAsync("Exchange.Web", webPort, new Dictionary<string, string?>
        {
            ["Oidc__Authority"] = $"http://localhost:{idpPort}",
            ["Exchange__Address"] = Server.Address.ToString(),
            ["Exchange__CredentialFile"] = Server.DemoCredentialPath("exchange-web"),
        });
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath(), Headless = true });
    }

    /// <summary>A fresh browser context (its own cookies) with a page on the web app's start page.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "sv-SE", ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(WebAddress.ToString());
        return page;
    }

    /// <summary>
    /// Waits until the server has stored its demo statistics: they are seeded after it listens, and a
    /// test that reports for a demo reporter must not race the seed for the same cells.
    /// </summary>
    public async Task WaitForDemoStatisticsAsync()
    {
        // The log line says when every demo reporter's cells are in.
        for (var waited = 0; !Server.Logs.Any(l => l.Contains("Demo statistics:", StringComparison.Ordinal)); waited++)
        {
            Assert.True(waited < 1800, "The server seeded no demo statistics.");
            await Task.Delay(100);
        }
    }

    /// <summary>Logs in as one of the development IdP's test persons, and waits for the interactive circuit.</summary>
    public async Task<IPage> LogInAsync(string personName)
    {
        var page = await NewPageAsync();
        await page.GetByTestId("login").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Logga in som {personName}" }).ClickAsync();
        await WaitForCircuitAsync(page);
        return page;
    }

    /// <summary>Goes to a page of the web app (a full load, so a new circuit) and waits until it is interactive.</summary>
    public async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(new Uri(WebAddress, path).ToString());
        await WaitForCircuitAsync(page);
    }

    /// <summary>Waits until the page's Blazor circuit is interactive: the web app's marker, never a fixed time.</summary>
    public static Task WaitForCircuitAsync(IPage page) =>
        page.Locator("#circuit-ready[data-ready='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    /// <summary>
    /// Saves a screenshot of the page as <c>{name}.png</c> when <c>EXCHANGE_SCREENSHOT_DIRECTORY</c> is
    /// set: how the screenshots in docs/ are made (docs/web.md says how).
    /// </summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("EXCHANGE_SCREENSHOT_DIRECTORY") is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name + ".png"), FullPage = true });
        }
    }

    /// <summary>Runs axe-core on the page and fails on any serious or critical WCAG 2.1 A/AA violation.</summary>
    public static async Task AssertAccessibleAsync(IPage page, string where)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"{where}: " + string.Join(Environment.NewLine, serious.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")));
    }

    private static string ChromiumPath()
    {
        if (Environment.GetEnvironmentVariable("EXCHANGE_TEST_CHROMIUM") is { Length: > 0 } given)
        {
            return given;
        }
        var script = Path.Combine(PostgresCluster.RepositoryRoot(), "scripts", "install-chromium.sh");
        using var process = Process.Start(new ProcessStartInfo(script) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/install-chromium.sh could not provide Chromium: {errors.Result}");
        }
        return output.Result.Trim().Split('\n')[^1];
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        playwright?.Dispose();
        if (web is not null)
        {
            await web.DisposeAsync();
        }
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
        if (idp is not null)
        {
            await idp.DisposeAsync();
        }
        if (Directory.Exists(idpData))
        {
            Directory.Delete(idpData, recursive: true);
        }
    }
}
