using System.Text;
using Bunit;
using Exchange.V1;
using Exchange.Web.FollowUp;
using Exchange.Web.Hosting;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;
using MudBlazor.Services;

namespace Exchange.Web.Tests;

public sealed class FollowUpTests : BunitContext
{
    public FollowUpTests()
    {
        Services.AddMudServices();
        Services.AddScoped<FileDownloads>();
        Services.AddSingleton(TimeProvider.System);
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    private static Period Year(int year) => new() { Type = PeriodType.Year, Year = year };

    private static Period Quarter(int year, int number) => new() { Type = PeriodType.Quarter, Year = year, Number = number };

    private static PopulationFigure Inhabitants(string area, int year, long inhabitants) =>
        new() { AreaCode = area, Year = year, Inhabitants = inhabitants, Demo = true, Source = "demo" };

    private static Figure Free(string label, Period period, string area, long count, PopulationFigure? population = null, string value = "", bool total = false) => new()
    {
        Label = label, Period = period, AreaCode = area, Status = CellStatus.Free, Count = count, DefinitionVersion = 1, Population = population,
        DimensionValue = value, IsTotal = total,
    };

    private static Figure Hidden(string label, Period period, string area, CellStatus status, PopulationFigure? population = null) => new()
    {
        Label = label, Period = period, AreaCode = area, Status = status, DefinitionVersion = 1, Population = population,
    };

    [Fact]
    public void A_suppressed_kommun_is_an_A_marker_and_not_a_bar_of_height_zero()
    {
        var figures = new List<Figure>
        {
            Hidden("Ånge", Year(2025), "2260", CellStatus.PrimarySuppressed),
            Free("Timrå", Year(2025), "2262", 12),
            Hidden("Härnösand", Year(2025), "2280", CellStatus.SecondarySuppressed),
            Free("Västernorrlands län (länet)", Year(2025), "22", 100, total: true),
        };

        var chart = Render<BarChart>(p => p.Add(c => c.Figures, figures).Add(c => c.Title, "Placeringar"));

        var bars = chart.FindAll("[data-testid=bar]");
        Assert.Equal(["Timrå", "Västernorrlands län (länet)"], bars.Select(b => b.GetAttribute("data-label")));
        Assert.All(bars, b => Assert.True(double.Parse(b.GetAttribute("height")!, System.Globalization.CultureInfo.InvariantCulture) > 0));
        var markers = chart.FindAll("[data-testid=suppressed]");
        Assert.Equal([("Ånge", "A"), ("Härnösand", "D")], markers.Select(m => (m.GetAttribute("data-label"), m.GetAttribute("data-status"))));
        Assert.Equal("A", markers[0].QuerySelector("text")!.TextContent);
        // The county's bar stands apart from the kommuner's.
        Assert.Contains("chart-bar-total", bars[1].GetAttribute("class"), StringComparison.Ordinal);
        Assert.DoesNotContain("chart-bar-total", bars[0].GetAttribute("class"), StringComparison.Ordinal);
        var label = chart.Find("svg").GetAttribute("aria-label")!;
        Assert.Contains("Ånge: A", label, StringComparison.Ordinal);
        Assert.Equal("img", chart.Find("svg").GetAttribute("role"));
    }

    [Fact]
    public void A_rate_chart_without_population_draws_no_bar_and_still_marks_the_suppressed()
    {
        var figures = new List<Figure>
        {
            Free("Timrå", Year(2025), "2262", 12, Inhabitants("2262", 2025, 18_000)),
            Free("Sundsvall", Year(2025), "2281", 50),
            Hidden("Ånge", Year(2025), "2260", CellStatus.PrimarySuppressed, Inhabitants("2260", 2025, 9_000)),
        };

        var chart = Render<BarChart>(p => p.Add(c => c.Figures, figures).Add(c => c.Title, "x").Add(c => c.Measure, Measure.Rate));

        var bar = chart.Find("[data-testid=bar]");
        Assert.Equal("Timrå", bar.GetAttribute("data-label"));
        Assert.Equal("6.67", bar.GetAttribute("data-value"));
        Assert.Single(chart.FindAll("[data-testid=no-value]"));
        Assert.Single(chart.FindAll("[data-testid=suppressed]"));
    }

    [Fact]
    public void A_trend_breaks_its_line_at_a_suppressed_period_and_marks_the_change_of_definition()
    {
        var periods = new List<Period> { Quarter(2023, 1), Quarter(2023, 2), Quarter(2023, 3), Quarter(2023, 4), Quarter(2024, 1), Quarter(2024, 2) };
        var version1 = new List<Figure>
        {
            Free("2023 K1", periods[0], "22", 40), Free("2023 K2", periods[1], "22", 42),
            Hidden("2023 K3", periods[2], "22", CellStatus.SecondarySuppressed), Free("2023 K4", periods[3], "22", 39),
        };
        var version2 = new List<Figure> { Free("2024 K1", periods[4], "22", 60) with { DefinitionVersion = 2 }, Free("2024 K2", periods[5], "22", 65) with { DefinitionVersion = 2 } };

        var chart = Render<LineChart>(p => p
            .Add(c => c.Periods, periods)
            .Add(c => c.Segments, [new TrendSegment(1, version1), new TrendSegment(2, version2)])
            .Add(c => c.Title, "Trend"));

        var marker = chart.Find("[data-testid=suppressed]");
        Assert.Equal(("D", "2023 K3"), (marker.GetAttribute("data-status"), marker.GetAttribute("data-period")));
        var points = chart.FindAll("[data-testid=point]").Select(p => p.GetAttribute("data-period")).ToList();
        Assert.Equal(["2023 K1", "2023 K2", "2023 K4", "2024 K1", "2024 K2"], points);
        // Version 1 is one line over K1–K2 (K4 stands alone after the gap); version 2 is a line of its own.
        var lines = chart.FindAll("[data-testid=line]");
        Assert.Equal(["1", "2"], lines.Select(l => l.GetAttribute("data-version")));
        Assert.Equal(2, lines[0].GetAttribute("points")!.Split(' ').Length);
        var seriesBreak = chart.Find("[data-testid=series-break]");
        Assert.Equal(("2", "2024 K1"), (seriesBreak.GetAttribute("data-version"), seriesBreak.GetAttribute("data-period")));
        Assert.Contains("Ny definition, version 2", seriesBreak.TextContent, StringComparison.Ordinal);
        Assert.Contains("Ny definition, version 2, från 2024 K1", chart.Find("svg").GetAttribute("aria-label"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_trend_of_one_definition_has_no_break()
    {
        var periods = new List<Period> { Year(2023), Year(2024) };
        var chart = Render<LineChart>(p => p
            .Add(c => c.Periods, periods)
            .Add(c => c.Segments, [new TrendSegment(1, [Free("2023", periods[0], "22", 1), Free("2024", periods[1], "22", 2)])])
            .Add(c => c.Title, "Trend"));

        Assert.Empty(chart.FindAll("[data-testid=series-break]"));
        Assert.Single(chart.FindAll("[data-testid=line]"));
    }

    [Fact]
    public void Rates_are_per_10000_inhabitants_only_for_free_counts_with_a_population()
    {
        Assert.Equal(5.0, Rates.Per10000(12, 24_000));
        Assert.Equal(12.5, Rates.Per10000(125, 100_000));
        Assert.Null(Rates.Per10000(12, null));
        Assert.Null(Rates.Per10000(12, 0));
        Assert.Null(Rates.Per10000(null, 24_000));

        var population = new PopulationTable([Inhabitants("2281", 2025, 100_000), Inhabitants("2281", 2024, 99_000)]);
        Assert.Equal(100_000, population.Find("2281", 2025)!.Inhabitants);
        Assert.Null(population.Find("2281", 2023));

        var free = Free("Sundsvall", Year(2025), "2281", 125, population.Find("2281", 2025));
        Assert.Equal(12.5, free.Rate);
        Assert.Equal("12,5", free.Display(Measure.Rate));
        var suppressed = Hidden("Sundsvall", Year(2025), "2281", CellStatus.PrimarySuppressed, population.Find("2281", 2025));
        Assert.Null(suppressed.Rate);
        Assert.Equal("A", suppressed.Display(Measure.Rate));
        Assert.Equal("A", suppressed.Display(Measure.Count));
        var withoutPopulation = Free("Sundsvall", Year(2023), "2281", 125, population.Find("2281", 2023));
        Assert.Equal("–", withoutPopulation.Display(Measure.Rate));
        Assert.Equal("125", withoutPopulation.Display(Measure.Count));
    }

    [Fact]
    public void Figures_from_a_query_keep_no_count_for_a_suppressed_cell_and_find_their_population()
    {
        var cells = new[]
        {
            new ResultCell { Period = Year(2025), AreaCode = "2260", Status = CellStatus.PrimarySuppressed },
            new ResultCell { Period = Year(2025), AreaCode = "2281", Status = CellStatus.Free, Count = 40 },
            new ResultCell { Period = Year(2025), AreaCode = "22", Status = CellStatus.Free, Count = 160 },
        };
        var population = new PopulationTable([Inhabitants("2281", 2025, 100_000)]);

        var figures = Figures.From(cells, 3, population, c => c.AreaCode, totalArea: "22");

        Assert.Equal([null, 40L, 160L], figures.Select(f => f.Count));
        Assert.Equal([false, false, true], figures.Select(f => f.IsTotal));
        Assert.Equal(4.0, figures[1].Rate);
        Assert.All(figures, f => Assert.Equal(3, f.DefinitionVersion));
    }

    private static List<Figure> ExportFigures()
    {
        var population = Inhabitants("2281", 2025, 100_000);
        return
        [
            Free("Kvinna", Year(2025), "2281", 125, population, "female"),
            Hidden("Man", Year(2025), "2281", CellStatus.PrimarySuppressed, population) with { DimensionValue = "male" },
            Hidden("Totalt", Year(2025), "2281", CellStatus.SecondarySuppressed) with { IsTotal = true },
        ];
    }

    [Fact]
    public void The_CSV_export_is_semicolon_separated_UTF8_with_BOM_and_writes_A_and_D_as_text()
    {
        var bytes = FigureExport.Csv("municipality_children_supported", "victim_sex", ExportFigures());

        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(';', FigureExport.Columns), lines[0]);
        Assert.Equal("municipality_children_supported;1;2025;2281;Sundsvall;victim_sex;Kvinna;125;100000;12,5;Befolkningstal: demovärden, inte SCB", lines[1]);
        var man = lines[2].Split(';');
        Assert.Equal(("A", "A"), (man[7], man[9]));
        var total = lines[3].Split(';');
        Assert.Equal(("Totalt", "D", "", "D"), (total[6], total[7], total[8], total[9]));
        Assert.DoesNotContain(lines.Skip(2), l => l.Split(';')[7] == "0");
    }

    [Fact]
    public void The_Excel_export_has_the_counts_as_numbers_and_A_and_D_as_text()
    {
        var bytes = FigureExport.Excel("municipality_children_supported", "victim_sex", ExportFigures());

        using var stream = new MemoryStream(bytes);
        var rows = stream.Query(useHeaderRow: true, excelType: ExcelType.XLSX).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal(125d, Convert.ToDouble(rows[0]["Antal"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(12.5d, Convert.ToDouble(rows[0]["Per 10 000 invånare"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("A", rows[1]["Antal"]);
        Assert.Equal("A", rows[1]["Per 10 000 invånare"]);
        Assert.Equal("D", rows[2]["Antal"]);
        Assert.Equal("Kvinna", rows[0]["Värde"]);
    }

    [Fact]
    public void The_table_shows_A_and_D_and_its_export_button_hands_the_CSV_to_the_browser()
    {
        var table = Render<FigureTableView>(p => p
            .Add(c => c.Caption, "Kön, Sundsvall 2025")
            .Add(c => c.KeyHeader, "Kön")
            .Add(c => c.Figures, ExportFigures())
            .Add(c => c.IndicatorCode, "municipality_children_supported")
            .Add(c => c.DimensionCode, "victim_sex")
            .Add(c => c.TableName, "uppdelning")
            .Add(c => c.ShowRates, true));

        var cells = table.FindAll("[data-testid=cell]");
        Assert.Equal([("female", "F", "125"), ("male", "A", "A"), ("", "D", "D")],
            cells.Select(c => (c.GetAttribute("data-dimension"), c.GetAttribute("data-status"), c.TextContent)));
        Assert.Equal(["12,5", "A", "D"], table.FindAll("[data-testid=rate]").Select(c => c.TextContent));

        table.Find("[data-testid=export-csv-uppdelning] button, button[data-testid=export-csv-uppdelning]").Click();

        var call = Assert.Single(JSInterop.Invocations, i => i.Identifier == "exchangeDownload");
        Assert.StartsWith("municipality_children_supported-uppdelning-", (string)call.Arguments[0]!, StringComparison.Ordinal);
        Assert.EndsWith(".csv", (string)call.Arguments[0]!, StringComparison.Ordinal);
        Assert.Equal(FileDownloads.Csv, call.Arguments[1]);
    }

    [Fact]
    public void The_legend_names_the_threshold()
    {
        var legend = Render<SuppressionLegend>(p => p.Add(c => c.Threshold, 5));

        Assert.Contains("färre än 5 (primärt skyddad)", legend.Markup, StringComparison.Ordinal);
        Assert.Contains("dold för att skydda en annan uppgift", legend.Markup, StringComparison.Ordinal);
    }
}
