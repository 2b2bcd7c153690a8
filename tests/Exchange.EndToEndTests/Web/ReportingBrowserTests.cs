using System.Globalization;
using System.Text;
using Exchange.V1;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Exchange.EndToEndTests.Web;

/// <summary>
/// A small reporter's CSV reporting in a real browser against the real server: a template, a file
/// with errors of every kind all listed by line and column with nothing stored, the corrected file
/// submitted once, its corrections in the history, and the same file again a replay.
/// </summary>
[Collection(SharedWebSystem.Name)]
[Trait("Category", "Browser")]
public class ReportingBrowserTests(WebSystem system)
{
    private const string Indicator = "municipality_children_supported";
    private const string Header = "period;area_code;victim_sex;count";

    // MudFileUpload adds an input for each new choice of file: the last one is the live one.
    private static Task UploadAsync(IPage page, string name, string text) =>
        page.Locator("input[type=file]").Last.SetInputFilesAsync(new FilePayload
        {
            Name = name,
            MimeType = "text/csv",
            Buffer = [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)],
        });

    private static async Task<List<(string Line, string Column)>> ViolationsAsync(IPage page)
    {
        var rows = page.GetByTestId("violation");
        var found = new List<(string, string)>();
        for (var i = 0; i < await rows.CountAsync(); i++)
        {
            found.Add((await rows.Nth(i).GetAttributeAsync("data-line") ?? "", await rows.Nth(i).GetAttributeAsync("data-column") ?? ""));
        }
        return found;
    }

    /// <summary>Sundsvall's own current counts of the indicator for a period, by sex, read with its demo credentials.</summary>
    private async Task<Dictionary<(string Area, string Sex), long>> OwnCellsAsync(Period period)
    {
        using var sundsvall = system.Server.Demo("sundsvall-kommun");
        var own = await sundsvall.Statistics.QueryStatisticsAsync(new QueryStatisticsRequest { IndicatorCode = Indicator, FromPeriod = period, OwnCellsOnly = true });
        return own.Cells.ToDictionary(c => (c.AreaCode, c.Dimensions.Single(d => d.Dimension == "victim_sex").Value), c => c.HasCount ? c.Count : -1);
    }

    private async Task<int> RevisionCountAsync(Period period)
    {
        using var sundsvall = system.Server.Demo("sundsvall-kommun");
        return (await sundsvall.Statistics.ListCellRevisionsAsync(new ListCellRevisionsRequest { IndicatorCode = Indicator, FromPeriod = period })).Revisions.Count;
    }

    /// <summary>Sundsvall's published (disclosure-controlled) count of the indicator for a year, as the dashboard reads it.</summary>
    private async Task<long> SundsvallsYearAsync(int year)
    {
        using var sundsvall = system.Server.Demo("sundsvall-kommun");
        var cells = await sundsvall.Statistics.QueryStatisticsAsync(new QueryStatisticsRequest
        {
            IndicatorCode = Indicator,
            FromPeriod = new Period { Type = PeriodType.Year, Year = year },
            AreaLevel = AreaLevel.Municipality,
            AreaCodes = { "2281" },
        });
        var cell = Assert.Single(cells.Cells);
        Assert.Equal(CellStatus.Free, cell.Status);
        return cell.Count;
    }

    private static string Digits(string text) => new([.. text.Where(char.IsAsciiDigit)]);

    [Fact]
    public async Task A_municipal_analyst_sees_every_error_of_a_file_with_nothing_stored_then_submits_the_corrected_file_once_and_sees_it_in_the_dashboard()
    {
        // Sundsvall reported the latest ended quarter before (its own values here, after the demo seed's):
        // the corrected file replaces these values.
        await system.WaitForDemoStatisticsAsync();
        var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm"));
        var latest = (today.Month - 1) / 3 is 0 ? (Year: today.Year - 1, Quarter: 4) : (Year: today.Year, Quarter: (today.Month - 1) / 3);
        var period = new Period { Type = PeriodType.Quarter, Year = latest.Year, Number = latest.Quarter };
        var periodText = $"{latest.Year}-K{latest.Quarter}";
        using (var sundsvall = system.Server.Demo("sundsvall-kommun"))
        {
            Cell Earlier(string sex, long count) => new()
            {
                IndicatorCode = Indicator, Period = period, AreaCode = "2281", Count = count,
                Dimensions = { new DimensionValue { Dimension = "victim_sex", Value = sex } },
            };
            await sundsvall.SubmitAsync(Earlier("female", 41), Earlier("male", 9));
        }
        var stina = await system.LogInAsync("Stina Wall");
        await system.OpenAsync(stina, $"/rapportering?indikator={Indicator}");
        await Expect(stina.GetByTestId("indicator-period")).ToContainTextAsync("kvartal");
        await WebSystem.AssertAccessibleAsync(stina, "the reporting page");

        // The template: the header, and a row per sex for the latest ended quarter and Sundsvall, count to fill in.
        var download = await stina.RunAndWaitForDownloadAsync(() => stina.GetByTestId("download-template").ClickAsync());
        Assert.Equal($"mall-{Indicator}.csv", download.SuggestedFilename);
        var template = await File.ReadAllBytesAsync((await download.PathAsync())!);
        Assert.Equal(Encoding.UTF8.GetPreamble(), template[..3]);
        var lines = Encoding.UTF8.GetString(template[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Header, lines[0]);
        Assert.Equal([$"{periodText};2281;female;", $"{periodText};2281;male;"], lines[1..]);
        var before = await OwnCellsAsync(period);
        var revisionsBefore = await RevisionCountAsync(period);
        var yearBefore = await SundsvallsYearAsync(latest.Year);

        // Errors of every kind: another kommun's area, a bad period, a negative count, an unknown value, a missing value.
        var bad = string.Join("\r\n",
            Header,
            $"{periodText};2281;female;{before[("2281", "female")] + 7}",
            $"{periodText};2282;male;5",
            $"{period.Year}-K7;2281;male;3",
            $"{periodText};2281;male;-4",
            $"{periodText};2281;okänt;3",
            $"{periodText};2281;;3") + "\r\n";
        await UploadAsync(stina, "rapport.csv", bad);

        await Expect(stina.GetByTestId("nothing-stored")).ToContainTextAsync("Inget har sparats.");
        Assert.Equal([("3", "area_code"), ("4", "period"), ("5", "count"), ("6", "victim_sex"), ("7", "victim_sex")], await ViolationsAsync(stina));
        await Expect(stina.Locator("[data-testid='violation'][data-line='3']")).ToContainTextAsync("myndighetens områden");
        await Expect(stina.Locator("[data-testid='violation'][data-line='6']")).ToContainTextAsync("female, male");
        await Expect(stina.GetByTestId("submit")).ToHaveCountAsync(0);
        await WebSystem.AssertAccessibleAsync(stina, "the reporting page with violations");
        await WebSystem.ScreenshotAsync(stina, "reporting-violations");
        Assert.Equal(before, await OwnCellsAsync(period));
        Assert.Equal(revisionsBefore, await RevisionCountAsync(period));

        // Only another kommun's area: the exchange refuses it as not hers, and says so.
        await UploadAsync(stina, "annan-kommun.csv", $"{Header}\r\n{periodText};2282;female;4\r\n");
        await Expect(stina.GetByTestId("refusal")).ToContainTextAsync("inte får rapportera");
        Assert.Equal([("2", "area_code")], await ViolationsAsync(stina));

        // Corrected: both of Sundsvall's values for the quarter, each replacing the seeded one.
        var female = before[("2281", "female")] + 7;
        var male = before[("2281", "male")] + 3;
        var good = $"{Header}\r\n{periodText};2281;female;{female}\r\n{periodText};2281;male;{male}\r\n";
        await UploadAsync(stina, "rapport.csv", good);
        await Expect(stina.GetByTestId("summary")).ToContainTextAsync("2 uppgifter, varav 2 rättelser");
        await Expect(stina.GetByTestId("violation")).ToHaveCountAsync(0);
        Assert.Equal(before, await OwnCellsAsync(period));
        await stina.GetByTestId("submit").ClickAsync();
        await Expect(stina.GetByTestId("submitted")).ToContainTextAsync("2 uppgifter, varav 2 rättelser");
        var submissionId = (await stina.GetByTestId("submission-id").InnerTextAsync()).Trim();
        Assert.Matches("^[0-9a-f-]{36}$", submissionId);
        var after = await OwnCellsAsync(period);
        Assert.Equal((female, male), (after[("2281", "female")], after[("2281", "male")]));

        // The history: every value the cells have had, the new one current and stored by this submission.
        await stina.GetByTestId("history-link").ClickAsync();
        var cell = stina.Locator($"[data-testid='revision'][data-period='{periodText}'][data-area='2281'][data-dimensions='victim_sex=female']");
        await Expect(cell.Last).ToHaveAttributeAsync("data-current", "true");
        await Expect(cell.Last).ToContainTextAsync(submissionId);
        await Expect(cell.Last.GetByTestId("revision-count")).ToHaveTextAsync(female.ToString(CultureInfo.InvariantCulture));
        var replaced = cell.Nth(await cell.CountAsync() - 2);
        await Expect(replaced).ToHaveAttributeAsync("data-current", "false");
        await Expect(replaced.GetByTestId("revision-count")).ToHaveTextAsync(before[("2281", "female")].ToString(CultureInfo.InvariantCulture));
        await Expect(replaced).ToContainTextAsync($"av {submissionId}");
        await WebSystem.AssertAccessibleAsync(stina, "the reporting history");
        await WebSystem.ScreenshotAsync(stina, "reporting-history");
        var revisionsAfter = await RevisionCountAsync(period);
        Assert.Equal(revisionsBefore + 2, revisionsAfter);

        // The dashboard: Sundsvall's year now includes the correction (+10), as the exchange publishes it.
        var published = await SundsvallsYearAsync(latest.Year);
        Assert.Equal(yearBefore + 10, published);
        await system.OpenAsync(stina, $"/uppfoljning/indikator/{Indicator}?ar={latest.Year}");
        var sundsvallsCell = stina.GetByTestId("table-kommuner").Locator("[data-testid=cell][data-area='2281']");
        await Expect(sundsvallsCell).ToHaveAttributeAsync("data-status", "F", new() { Timeout = 180_000 });
        Assert.Equal(published.ToString(CultureInfo.InvariantCulture), Digits(await sundsvallsCell.InnerTextAsync()));

        // The same file again: recognised before sending, and sending it is a replay that stores nothing.
        await system.OpenAsync(stina, $"/rapportering?indikator={Indicator}");
        await UploadAsync(stina, "rapport-igen.csv", good);
        await Expect(stina.GetByTestId("already-submitted")).ToBeVisibleAsync();
        await stina.GetByTestId("submit").ClickAsync();
        await Expect(stina.GetByTestId("replayed")).ToContainTextAsync(submissionId);
        Assert.Equal(after, await OwnCellsAsync(period));
        Assert.Equal(revisionsAfter, await RevisionCountAsync(period));

        // A file whose values were since replaced must be able to count again: sent on purpose, it is a new submission.
        await system.OpenAsync(stina, $"/rapportering?indikator={Indicator}");
        await UploadAsync(stina, "rapport-igen.csv", good);
        await Expect(stina.GetByTestId("already-submitted")).ToBeVisibleAsync();
        await stina.GetByTestId("resubmit").ClickAsync();
        await Expect(stina.GetByTestId("submitted")).ToContainTextAsync("2 uppgifter");
        Assert.NotEqual(submissionId, (await stina.GetByTestId("submission-id").InnerTextAsync()).Trim());
        Assert.Equal(revisionsAfter + 2, await RevisionCountAsync(period));
    }
}
