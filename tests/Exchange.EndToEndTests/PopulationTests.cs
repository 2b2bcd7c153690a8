using System.Runtime.Versioning;
using System.Text;
using Exchange.Client;
using Exchange.V1;
using Grpc.Core;

namespace Exchange.EndToEndTests;

/// <summary>
/// The population table on a real server: operators import and replace figures (demo ones too), all
/// or nothing; readers with statistics.read list them. Imports change server-wide state, so the tests
/// have a server of their own.
/// </summary>
[UnsupportedOSPlatform("windows")]
public class PopulationTests(ExchangeServer server) : IClassFixture<ExchangeServer>
{
    private static PopulationFigure Figure(string area, int year, long inhabitants) => new() { AreaCode = area, Year = year, Inhabitants = inhabitants };

    private static async Task<List<PopulationFigure>> ListAsync(ExchangeClient client, int year, params string[] areas) =>
        [.. (await client.Population.ListPopulationAsync(new ListPopulationRequest { AreaCodes = { areas }, FromYear = year, ToYear = year })).Figures];

    [Fact]
    public async Task The_operator_imports_figures_and_lists_them_by_area_and_year()
    {
        using var admin = server.Operator();
        var response = await admin.Population.ImportPopulationAsync(new ImportPopulationRequest
        {
            Source = "SCB, Folkmängd 31 december 2019",
            Figures = { Figure("2281", 2019, 99_400), Figure("22", 2019, 245_300), Figure("2281", 2018, 99_100) },
        });
        Assert.Equal((3, 0), (response.FigureCount, response.ReplacedCount));

        var listed = await ListAsync(admin, 2019, "2281", "22");
        Assert.Equal([("22", 2019, 245_300L), ("2281", 2019, 99_400L)], listed.Select(f => (f.AreaCode, f.Year, f.Inhabitants)));
        Assert.All(listed, f => Assert.Equal(("SCB, Folkmängd 31 december 2019", false), (f.Source, f.Demo)));
        Assert.All(listed, f => Assert.InRange(f.ImportedAt.ToDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1)));

        // The import is audited with its source and counts.
        var audit = await admin.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { Action = "population.imported", TargetId = "SCB, Folkmängd 31 december 2019" });
        var imported = Assert.Single(audit.Events);
        Assert.Equal("exchange-operator", imported.ActorAuthorityId);
        Assert.Contains("3 figures", imported.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_import_replaces_a_demo_figure_and_counts_it()
    {
        using var admin = server.Operator();
        var demo = Assert.Single(await ListAsync(admin, 2023, "2282"));
        Assert.True(demo.Demo, "the Development server seeds demo figures from 2023");
        Assert.Equal("Demovärden (inte SCB)", demo.Source);

        var response = await admin.Population.ImportPopulationAsync(new ImportPopulationRequest { Source = "SCB 2023", Figures = { Figure("2282", 2023, 17_869) } });

        Assert.Equal((1, 1), (response.FigureCount, response.ReplacedCount));
        var replaced = Assert.Single(await ListAsync(admin, 2023, "2282"));
        Assert.Equal((17_869L, false, "SCB 2023"), (replaced.Inhabitants, replaced.Demo, replaced.Source));
    }

    [Fact]
    public async Task One_bad_figure_refuses_the_import_and_stores_none()
    {
        using var admin = server.Operator();
        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, () => admin.Population.ImportPopulationAsync(new ImportPopulationRequest
        {
            Source = "SCB",
            Figures = { Figure("2283", 2017, 19_000), Figure("9999", 2017, 5_000), Figure("2284", 2017, 0) },
        }).ResponseAsync);

        Assert.Equal(["figures[1].area_code", "figures[2].inhabitants"], error.GetFieldViolations().Select(v => v.Field));
        Assert.Empty(await ListAsync(admin, 2017));
    }

    [Fact]
    public async Task Only_an_operator_imports()
    {
        using var municipality = server.Demo("sundsvall-kommun");
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => municipality.Population.ImportPopulationAsync(new ImportPopulationRequest
        {
            Source = "SCB",
            Figures = { Figure("2281", 2016, 1) },
        }).ResponseAsync);
        using var admin = server.Operator();
        Assert.Empty(await ListAsync(admin, 2016));
    }

    [Fact]
    public async Task Statistics_read_lists_the_table_and_statistics_report_alone_does_not()
    {
        var (reader, _) = await server.NewAuthorityAsync(AuthorityKind.County, "statistics.read");
        using (reader)
        {
            var figures = await ListAsync(reader, 2024, "22");
            Assert.Single(figures);
        }
        var (reporter, _) = await server.NewAuthorityAsync(AuthorityKind.Municipality, "statistics.report");
        using (reporter)
        {
            await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => reporter.Population.ListPopulationAsync(new ListPopulationRequest()).ResponseAsync);
        }
    }

    [Fact]
    public async Task A_listing_with_a_bad_area_is_refused()
    {
        using var admin = server.Operator();
        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, () => admin.Population.ListPopulationAsync(new ListPopulationRequest { AreaCodes = { "2281", "Sundsvall" } }).ResponseAsync);
        Assert.Equal(["area_codes[1]"], error.GetFieldViolations().Select(v => v.Field));
    }

    [Fact]
    public async Task Exchange_admin_imports_an_scb_file_and_lists_it_and_a_bad_file_stores_nothing()
    {
        var bad = Path.Combine(server.Root, "folkmangd-bad.csv");
        await File.WriteAllBytesAsync(bad, Encoding.Latin1.GetBytes("\"Folkmängd efter region och år\"\n\n\"region\";\"2015\"\n\"2260 Ånge\";9 500\n\"2262 Timrå\";..\n"));
        var refused = await AdminTool.RunAsync(server.Root, "population", "import", bad, "--source", "SCB 2015");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("folkmangd-bad.csv:5: 2262 2015: no figure", refused.Error);
        using var admin = server.Operator();
        Assert.Empty(await ListAsync(admin, 2015));

        var good = Path.Combine(server.Root, "folkmangd.csv");
        await File.WriteAllBytesAsync(good, Encoding.Latin1.GetBytes("\"Folkmängd efter region och år\"\n\n\"region\";\"2015\"\n\"2260 Ånge\";9 500\n\"2262 Timrå\";18 000\n"));
        var imported = await AdminTool.RunAsync(server.Root, "population", "import", good, "--source", "SCB 2015");
        Assert.True(imported.ExitCode == 0, imported.Error);
        Assert.Contains("Imported 2 figures for 2 areas, years 2015; 0 replaced", imported.Output);

        var list = await AdminTool.RunAsync(server.Root, "population", "list", "--area", "2260", "--area", "2262", "--from", "2015", "--to", "2015");
        Assert.Equal(0, list.ExitCode);
        var lines = list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("AREA", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("2260  2015  9500", StringComparison.Ordinal) && l.Contains("SCB 2015", StringComparison.Ordinal));
        Assert.Equal(3, lines.Length);

        // Demo figures are marked as such in the list.
        var demo = await AdminTool.RunAsync(server.Root, "population", "list", "--area", "2284", "--from", "2024", "--to", "2024");
        Assert.Contains(demo.Output.Split('\n'), l => l.StartsWith("2284", StringComparison.Ordinal) && l.Contains(" demo ", StringComparison.Ordinal));
    }
}
