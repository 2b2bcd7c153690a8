using System.Text;
using Exchange.V1;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Exchange.EndToEndTests.Web;

/// <summary>
/// The operator keeps the population table in a real browser: SCB's CSV with an error is refused line
/// by line and nothing is stored; the corrected file is previewed, imported and shown in the table.
/// The figures are of 2012, a year no demo figure and no other test uses.
/// </summary>
[Collection(SharedWebSystem.Name)]
[Trait("Category", "Browser")]
public class PopulationBrowserTests(WebSystem system)
{
    private const int Year = 2012;

    // As Statistikdatabasen writes "Semikolonavgränsad med rubrik", in Latin-1.
    private static byte[] ScbFile(string timra) => Encoding.Latin1.GetBytes(
        $"\"Folkmängd efter region och år\"\r\n\r\n\"region\";\"{Year}\"\r\n\"22 Västernorrlands län\";242 625\r\n\"2281 Sundsvall\";96 300\r\n\"2262 Timrå\";{timra}\r\n");

    // MudFileUpload adds a fresh input after each choice, so that the same file can be chosen again: the last is the active one.
    private static Task UploadAsync(IPage page, string name, byte[] content) =>
        page.Locator("input[type=file]").Last.SetInputFilesAsync(new FilePayload { Name = name, MimeType = "text/csv", Buffer = content });

    [Fact]
    public async Task The_operator_uploads_a_file_with_an_error_sees_it_by_line_then_imports_the_corrected_file()
    {
        var olle = await system.LogInAsync("Olle Strand");
        await system.OpenAsync(olle, "/konsol/befolkning");
        await Expect(olle.GetByRole(AriaRole.Heading, new() { Name = "Befolkning", Level = 1 })).ToBeVisibleAsync();
        // The Development server's demo figures are labelled as such.
        await Expect(olle.GetByTestId("population-demo").First).ToHaveTextAsync("Demovärde");

        await UploadAsync(olle, "folkmangd-fel.csv", ScbFile(".."));

        await Expect(olle.GetByTestId("population-file-errors")).ToContainTextAsync($"Rad 6: Värde saknas för {Year}");
        await Expect(olle.GetByTestId("population-import")).ToHaveCountAsync(0);
        await WebSystem.AssertAccessibleAsync(olle, "the population page with a file's errors");
        using (var admin = system.Server.Operator())
        {
            var stored = await admin.Population.ListPopulationAsync(new ListPopulationRequest { FromYear = Year, ToYear = Year });
            Assert.Empty(stored.Figures);
        }

        await UploadAsync(olle, "folkmangd.csv", ScbFile("17 900"));

        await Expect(olle.GetByTestId("population-file-errors")).ToHaveCountAsync(0);
        await Expect(olle.GetByTestId("population-file-name")).ToContainTextAsync("folkmangd.csv");
        await Expect(olle.GetByTestId("population-preview-count")).ToHaveTextAsync("3");
        await Expect(olle.GetByTestId("population-preview")).ToContainTextAsync("2281 Sundsvall");
        await olle.GetByLabel("Källa").FillAsync($"SCB, Folkmängd 31 december {Year}");
        await olle.GetByTestId("population-import").ClickAsync();

        await Expect(olle.GetByTestId("population-imported")).ToContainTextAsync("3 värden importerade");
        await Expect(olle.GetByTestId("population-file-name")).ToHaveCountAsync(0);
        var row = olle.Locator($"[data-testid='population-row'][data-area='2281'][data-year='{Year}']");
        await Expect(row).ToContainTextAsync("96\u00A0300");
        await Expect(row).ToContainTextAsync($"SCB, Folkmängd 31 december {Year}");
        await Expect(row.GetByTestId("population-demo")).ToHaveCountAsync(0);
        await WebSystem.AssertAccessibleAsync(olle, "the population page");
        await WebSystem.ScreenshotAsync(olle, "console-population");

        using var op = system.Server.Operator();
        var figures = (await op.Population.ListPopulationAsync(new ListPopulationRequest { AreaCodes = { "2262" }, FromYear = Year, ToYear = Year })).Figures;
        Assert.Equal([(17_900L, false)], figures.Select(f => (f.Inhabitants, f.Demo)));
    }

    [Fact]
    public async Task An_analyst_is_told_the_page_is_not_for_their_role()
    {
        var stina = await system.LogInAsync("Stina Wall");
        await system.OpenAsync(stina, "/konsol/befolkning");

        await Expect(stina.GetByTestId("population-not-allowed")).ToBeVisibleAsync();
        await Expect(stina.Locator("input[type=file]")).ToHaveCountAsync(0);
        await WebSystem.AssertAccessibleAsync(stina, "the population page for an analyst");
    }
}
