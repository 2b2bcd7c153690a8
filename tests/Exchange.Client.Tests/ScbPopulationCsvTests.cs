using System.Text;

namespace Exchange.Client.Tests;

/// <summary>SCB's table "Folkmängd efter region och år" as Statistikdatabasen exports it, in both layouts and encodings.</summary>
public class ScbPopulationCsvTests
{
    // "Kommaseparerad med rubrik": a quoted title, a blank line, then one column per year.
    private const string WideComma = """
        "Folkmängd efter region och år"

        "region","2023","2024"
        "00 Riket",10551707,10587710
        "22 Västernorrlands län",243425,242946
        "2260 Ånge",9261,9133
        "2281 Sundsvall",99535,99828
        "2284 Örnsköldsvik",56003,56042

        "Källa: SCB, Befolkningsstatistik"
        """;

    // "Semikolonavgränsad", headers naming the content, an extra column, thousands grouped with spaces.
    private const string WideSemicolon = "Folkmängd efter region, kön och år\r\n" +
        "region;kön;Folkmängd 2023;Folkmängd 2024\r\n" +
        "2282 Kramfors;totalt;17 869;17\u00A0707\r\n" +
        "2283 Sollefteå;totalt;18 775;18 603\r\n";

    // One line per region and year, tab separated.
    private const string LongTab = "region\tår\tFolkmängd\n" +
        "2262 Timrå\t2023\t17 914\n" +
        "2262 Timrå\t2024\t17 935\n" +
        "2280 Härnösand\t2024\t24 520\n";

    private static List<(string, string, int, long)> Read(ScbPopulationCsvResult result) =>
        [.. result.Figures.Select(f => (f.AreaCode, f.AreaName, f.Year, f.Inhabitants))];

    [Fact]
    public void The_wide_comma_export_reads_each_region_and_year_and_skips_the_country_and_the_footnote()
    {
        var result = ScbPopulationCsv.ReadText(WideComma);

        Assert.Empty(result.Errors);
        Assert.True(result.IsValid);
        Assert.Equal(8, result.Figures.Count);
        Assert.Contains(("22", "Västernorrlands län", 2024, 242946L), Read(result));
        Assert.Contains(("2260", "Ånge", 2023, 9261L), Read(result));
        Assert.Contains(("2284", "Örnsköldsvik", 2024, 56042L), Read(result));
        Assert.DoesNotContain(result.Figures, f => f.AreaCode == "00");
        // The lines as a person sees them in an editor: Ånge is on line 6.
        Assert.All(result.Figures.Where(f => f.AreaCode == "2260"), f => Assert.Equal(6, f.Line));
    }

    [Fact]
    public void A_wide_file_column_of_a_year_outside_2000_to_2100_is_an_error_on_each_line_not_left_to_the_server()
    {
        var result = ScbPopulationCsv.ReadText("region;1990;2024\r\n2281 Sundsvall;93 000;99 828\r\n2282 Kramfors;21 000;17 707\r\n");

        Assert.False(result.IsValid);
        Assert.Equal([(2, 1990), (3, 1990)], result.Errors.Select(e => (e.Line, e.Year ?? 0)).ToList());
        Assert.All(result.Errors, e => Assert.Equal(ScbPopulationErrorKind.Year, e.Kind));
    }

    [Fact]
    public void The_wide_semicolon_export_reads_years_from_headers_and_numbers_with_space_separators()
    {
        var result = ScbPopulationCsv.ReadText(WideSemicolon);

        Assert.Empty(result.Errors);
        Assert.Equal([("2282", "Kramfors", 2023, 17869L), ("2282", "Kramfors", 2024, 17707L), ("2283", "Sollefteå", 2023, 18775L), ("2283", "Sollefteå", 2024, 18603L)], Read(result));
    }

    [Fact]
    public void The_long_tab_export_reads_one_figure_per_line()
    {
        var result = ScbPopulationCsv.ReadText(LongTab);

        Assert.Empty(result.Errors);
        Assert.Equal([("2262", "Timrå", 2023, 17914L), ("2262", "Timrå", 2024, 17935L), ("2280", "Härnösand", 2024, 24520L)], Read(result));
        Assert.Equal([2, 3, 4], result.Figures.Select(f => f.Line));
    }

    [Fact]
    public void A_long_semicolon_export_with_codes_only_reads_too()
    {
        var result = ScbPopulationCsv.ReadText("\"region\";\"år\";\"Folkmängd\"\n\"2281\";\"2024\";\"99828\"\n\"22\";\"2024\";\"242946\"\n");

        Assert.Empty(result.Errors);
        Assert.Equal([("2281", "", 2024, 99828L), ("22", "", 2024, 242946L)], Read(result));
    }

    [Fact]
    public void Latin1_bytes_read_with_their_swedish_letters()
    {
        var bytes = Encoding.Latin1.GetBytes(WideComma);
        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, true).GetString(bytes));

        var result = ScbPopulationCsv.Read(bytes);

        Assert.Empty(result.Errors);
        Assert.Contains(("2260", "Ånge", 2023, 9261L), Read(result));
        Assert.Contains(("2284", "Örnsköldsvik", 2024, 56042L), Read(result));
        Assert.Contains(("22", "Västernorrlands län", 2023, 243425L), Read(result));
    }

    [Fact]
    public void Utf8_bytes_with_and_without_a_byte_order_mark_read_alike()
    {
        var plain = Encoding.UTF8.GetBytes(WideSemicolon);
        var withBom = Encoding.UTF8.GetPreamble().Concat(plain).ToArray();

        var a = ScbPopulationCsv.Read(plain);
        var b = ScbPopulationCsv.Read(withBom);

        Assert.Empty(a.Errors);
        Assert.Equal(Read(a), Read(b));
        Assert.Equal("Sollefteå", b.Figures[2].AreaName);
    }

    [Fact]
    public async Task A_stream_reads_as_its_bytes_do()
    {
        using var stream = new MemoryStream(Encoding.Latin1.GetBytes(LongTab));
        var result = await ScbPopulationCsv.ReadAsync(stream);
        Assert.Equal(("2280", "Härnösand"), (result.Figures[2].AreaCode, result.Figures[2].AreaName));
    }

    [Fact]
    public void Every_bad_line_is_named_with_its_line_and_what_is_wrong()
    {
        var text = """
            "Folkmängd efter region och år"
            "region";"2023";"2024"
            "2281 Sundsvall";99535;..
            "Sundsvall";99535;99828
            "2282 Kramfors";17869;-
            "2283 Sollefteå";18775;abc
            "2284 Örnsköldsvik";56003;0
            "2281 Sundsvall";99535;99828
            "2260 Ånge";9261
            "2262 Timrå";17914;17935
            """;

        var result = ScbPopulationCsv.ReadText(text);

        Assert.False(result.IsValid);
        Assert.Equal(
            [
                (3, ScbPopulationErrorKind.MissingValue, (int?)2024),
                (4, ScbPopulationErrorKind.AreaCode, null),
                (5, ScbPopulationErrorKind.MissingValue, 2024),
                (6, ScbPopulationErrorKind.Inhabitants, 2024),
                (7, ScbPopulationErrorKind.Inhabitants, 2024),
                (8, ScbPopulationErrorKind.Duplicate, 2023),
                (9, ScbPopulationErrorKind.MissingFields, null),
            ],
            result.Errors.Select(e => (e.Line, e.Kind, e.Year)));
        Assert.Contains("line 3", result.Errors.Single(e => e.Kind == ScbPopulationErrorKind.Duplicate).Message, StringComparison.Ordinal);
        // The good figures are still read, so that a person sees what the file holds; importing it is refused.
        Assert.Contains(result.Figures, f => f.AreaCode == "2262" && f.Year == 2024);
        Assert.Throws<InvalidOperationException>(() => result.ToImportRequest("SCB"));
    }

    [Fact]
    public void A_long_line_with_a_bad_year_is_an_error()
    {
        var result = ScbPopulationCsv.ReadText("region;år;Folkmängd\n2281 Sundsvall;1999;99000\n2281 Sundsvall;2024;99828\n");
        var error = Assert.Single(result.Errors);
        Assert.Equal((2, ScbPopulationErrorKind.Year), (error.Line, error.Kind));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Folkmängd efter region och år\n\nInga uppgifter\n")]
    [InlineData("namn,värde\nSundsvall,99535\n")]
    public void A_file_without_a_header_says_so_at_line_0(string text)
    {
        var error = Assert.Single(ScbPopulationCsv.ReadText(text).Errors);
        Assert.Equal((0, ScbPopulationErrorKind.NoHeader), (error.Line, error.Kind));
    }

    [Fact]
    public void A_header_without_figures_says_so()
    {
        var result = ScbPopulationCsv.ReadText("region;2023\n00 Riket;10551707\n");
        Assert.Equal([ScbPopulationErrorKind.NoFigures], result.Errors.Select(e => e.Kind));
        Assert.False(result.IsValid);
    }

    [Fact]
    public void A_valid_file_becomes_an_import_request_of_every_figure_with_the_source()
    {
        var request = ScbPopulationCsv.ReadText(LongTab).ToImportRequest("SCB, Folkmängd 31 december 2024");

        Assert.Equal("SCB, Folkmängd 31 december 2024", request.Source);
        Assert.Equal([("2262", 2023, 17914L), ("2262", 2024, 17935L), ("2280", 2024, 24520L)], request.Figures.Select(f => (f.AreaCode, f.Year, f.Inhabitants)));
    }
}
