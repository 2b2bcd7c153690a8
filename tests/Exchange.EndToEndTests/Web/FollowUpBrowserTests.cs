using System.Globalization;
using System.Text;
using Exchange.Client;
using Exchange.V1;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Exchange.EndToEndTests.Web;

/// <summary>
/// Analysts in a real browser against the real server's demo statistics: the follow-up dashboard shows
/// what QueryStatistics answers the person's authority, suppressed cells marked, and exports it.
/// </summary>
[Collection(SharedWebSystem.Name)]
[Trait("Category", "Browser")]
public class FollowUpBrowserTests(WebSystem system)
{
    // Protecting a year of a demo register the first time it is read takes seconds on a busy machine.
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 180_000 };

    // Indicators reported by kommun, most likely first to have a small count in a kommun's year.
    private static readonly string[] Candidates =
    [
        "municipality_sheltered_housing_placements", "municipality_staff_trained", "municipality_children_supported",
        "municipality_adults_supported", "police_reported_offences_close_relationship",
    ];

    private static QueryStatisticsRequest KommunerQuery(string code, int year) => new()
    {
        IndicatorCode = code,
        FromPeriod = new Period { Type = PeriodType.Year, Year = year },
        AreaLevel = AreaLevel.Municipality,
        IncludeTotals = true,
    };

    /// <summary>An indicator and a year whose table of kommuner has a suppressed cell, as the county reads it.</summary>
    private static async Task<(string Code, int Year, List<ResultCell> Cells)> SuppressedKommunTableAsync(ExchangeClient county)
    {
        var lastYear = DateTime.UtcNow.Year - 1;
        foreach (var code in Candidates)
        {
            foreach (var year in new[] { lastYear, lastYear - 1, lastYear - 2 })
            {
                var cells = (await county.QueryEveryPageAsync(KommunerQuery(code, year))).Where(c => c.AreaCode.StartsWith("22", StringComparison.Ordinal)).ToList();
                if (cells.Any(c => c.Status is CellStatus.PrimarySuppressed or CellStatus.SecondarySuppressed))
                {
                    return (code, year, cells);
                }
            }
        }
        Assert.Fail("No table of kommuner in the demo statistics has a suppressed cell.");
        return default;
    }

    private static string Expected(ResultCell cell) => cell.Status switch
    {
        CellStatus.PrimarySuppressed => "A",
        CellStatus.SecondarySuppressed => "D",
        _ => cell.Count.ToString(CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task The_county_analyst_opens_a_goal_and_an_indicator_sees_suppressed_cells_marked_exports_the_CSV_and_prints_the_year()
    {
        await system.WaitForDemoStatisticsAsync();
        using var county = system.Server.Demo("lansstyrelsen-vasternorrland");
        var (code, year, expected) = await SuppressedKommunTableAsync(county);
        var indicator = (await county.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest())).Indicators.Single(i => i.Code == code);
        var suppressed = expected.Where(c => c.Status is CellStatus.PrimarySuppressed or CellStatus.SecondarySuppressed).ToList();

        var lena = await system.LogInAsync("Lena Sjö");
        await system.OpenAsync(lena, "/uppfoljning");
        await Expect(lena.Locator($"[data-testid=indicator][data-code='{code}']")).ToBeVisibleAsync();
        await Expect(lena.GetByTestId("goal")).ToHaveCountAsync(4);
        await WebSystem.AssertAccessibleAsync(lena, "the follow-up goals");
        await WebSystem.ScreenshotAsync(lena, "dashboard-goals");

        // A goal, then one of its indicators.
        await lena.Locator($"[data-testid=goal][data-goal='{(int)indicator.Goal}'] [data-testid=goal-link]").ClickAsync();
        await Expect(lena.GetByTestId("goal-heading")).ToContainTextAsync($"Mål {(int)indicator.Goal}");
        await Expect(lena.GetByTestId("goal")).ToHaveCountAsync(1);
        await WebSystem.AssertAccessibleAsync(lena, "a goal");
        await lena.Locator($"[data-testid=indicator][data-code='{code}'] [data-testid=indicator-link]").ClickAsync();
        await Expect(lena.GetByTestId("indicator-heading")).ToHaveTextAsync(indicator.Name);

        await lena.GetByTestId("year").SelectOptionAsync(year.ToString(CultureInfo.InvariantCulture));
        await lena.GetByTestId("apply").ClickAsync();
        await Expect(lena.GetByTestId("kommuner-section").GetByRole(AriaRole.Heading)).ToContainTextAsync(year.ToString(CultureInfo.InvariantCulture));
        var kommunTable = lena.GetByTestId("table-kommuner");
        await Expect(kommunTable).ToBeVisibleAsync(Slow);

        // Each suppressed cell: a marker in the chart (no bar) and its letter in the table.
        var chart = lena.GetByTestId("kommuner-chart");
        await Expect(chart.Locator("[data-testid=suppressed]")).ToHaveCountAsync(suppressed.Count);
        await Expect(chart.Locator("[data-testid=bar]")).ToHaveCountAsync(expected.Count - suppressed.Count);
        foreach (var cell in suppressed)
        {
            await Expect(kommunTable.Locator($"[data-testid=cell][data-area='{cell.AreaCode}']")).ToHaveTextAsync(Expected(cell));
            await Expect(kommunTable.Locator($"[data-testid=cell][data-area='{cell.AreaCode}']")).ToHaveAttributeAsync("data-status", Expected(cell));
        }
        await Expect(lena.GetByTestId("suppression-legend")).ToContainTextAsync("primärt skyddad");
        // Rates: from the population table when the exchange has one, otherwise said to be unavailable.
        await Expect(lena.Locator("[data-testid=population-note], [data-testid=population-demo]")).ToBeVisibleAsync();
        await Expect(lena.GetByTestId("trend-chart").Or(lena.GetByTestId("trend-empty"))).ToBeVisibleAsync(Slow);
        await Expect(lena.GetByTestId("breakdown-chart").Or(lena.GetByTestId("breakdown-error"))).ToBeVisibleAsync(Slow);
        await WebSystem.AssertAccessibleAsync(lena, "an indicator");
        await WebSystem.ScreenshotAsync(lena, "dashboard-indicator");

        // The CSV holds what QueryStatistics answers the county: the same counts and the same A/D.
        var download = await lena.RunAndWaitForDownloadAsync(() => lena.GetByTestId("export-csv-kommuner").ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        var bytes = await File.ReadAllBytesAsync((await download.PathAsync())!);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(';').ToList();
        var (areaColumn, countColumn) = (header.IndexOf("Områdeskod"), header.IndexOf("Antal"));
        var exported = lines.Skip(1).Select(l => l.Split(';')).ToDictionary(f => f[areaColumn], f => f[countColumn]);
        Assert.Equal(expected.ToDictionary(c => c.AreaCode, Expected).OrderBy(p => p.Key), exported.OrderBy(p => p.Key));

        // The print view: the same cells, marked, with the legend and the source.
        await system.OpenAsync(lena, $"/uppfoljning/utskrift?ar={year}");
        await Expect(lena.GetByTestId("print-source")).ToContainTextAsync("Källa: Exchange, röjandekontrollerade uppgifter", new() { Timeout = 180_000 });
        var printed = lena.Locator($"[data-testid=print-indicator][data-code='{code}']");
        foreach (var cell in expected)
        {
            await Expect(printed.Locator($"[data-testid=cell][data-area='{cell.AreaCode}']")).ToHaveTextAsync(Expected(cell) is var text && long.TryParse(text, out var n)
                ? n.ToString("N0", CultureInfo.GetCultureInfo("sv-SE")) : text);
        }
        await Expect(lena.GetByTestId("print-goal")).ToHaveCountAsync(4);
        await Expect(lena.GetByTestId("print")).ToBeVisibleAsync();
        await WebSystem.AssertAccessibleAsync(lena, "the print view");
        await WebSystem.ScreenshotAsync(lena, "dashboard-print");
    }

    [Fact]
    public async Task A_municipal_analyst_sees_what_her_authority_may_read()
    {
        await system.WaitForDemoStatisticsAsync();
        using var sundsvall = system.Server.Demo("sundsvall-kommun");
        var code = "municipality_children_supported";
        var year = DateTime.UtcNow.Year - 1;
        var expected = (await sundsvall.QueryEveryPageAsync(KommunerQuery(code, year))).Where(c => c.AreaCode.StartsWith("22", StringComparison.Ordinal)).ToList();

        var stina = await system.LogInAsync("Stina Wall");
        await system.OpenAsync(stina, $"/uppfoljning/indikator/{code}?ar={year}");

        await Expect(stina.GetByTestId("indicator-heading")).ToBeVisibleAsync();
        var table = stina.GetByTestId("table-kommuner");
        await Expect(table).ToBeVisibleAsync(Slow);
        await Expect(table.GetByTestId("cell")).ToHaveCountAsync(expected.Count);
        foreach (var cell in expected)
        {
            await Expect(table.Locator($"[data-testid=cell][data-area='{cell.AreaCode}']")).ToHaveAttributeAsync("data-status",
                cell.Status switch { CellStatus.PrimarySuppressed => "A", CellStatus.SecondarySuppressed => "D", _ => "F" });
        }
        await WebSystem.AssertAccessibleAsync(stina, "an indicator, for a municipal analyst");
    }
}
