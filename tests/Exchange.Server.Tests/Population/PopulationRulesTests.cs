using Exchange.Server.Population;
using Exchange.V1;

namespace Exchange.Server.Tests.Population;

public class PopulationRulesTests
{
    private static PopulationFigure Figure(string area, int year, long inhabitants) => new() { AreaCode = area, Year = year, Inhabitants = inhabitants };

    private static ImportPopulationRequest Import(params PopulationFigure[] figures) =>
        new() { Source = "SCB, Folkmängd 31 december 2024", Figures = { figures } };

    private static List<string> Fields(Exchange.Server.Validation.FieldViolations v) => [.. v.Items.Select(i => i.Field)];

    [Fact]
    public void A_kommun_and_its_county_are_accepted()
    {
        var (figures, v) = PopulationRules.Import(Import(Figure("2281", 2024, 99_500), Figure("22", 2024, 243_000)));
        Assert.True(v.IsEmpty, string.Join("; ", Fields(v)));
        Assert.Equal([("2281", 2024, 99_500L), ("22", 2024, 243_000L)], figures.Select(f => (f.AreaCode, f.Year, f.Inhabitants)));
    }

    [Theory]
    [InlineData("2299")] // right form, no such kommun
    [InlineData("99")] // no such county
    [InlineData("00")] // the whole country is not an area of the exchange
    [InlineData("228")]
    [InlineData("")]
    [InlineData("2281 Sundsvall")]
    public void An_unknown_or_malformed_area_is_refused_by_its_index(string area)
    {
        var (_, v) = PopulationRules.Import(Import(Figure("2281", 2024, 1), Figure(area, 2024, 1)));
        Assert.Equal(["figures[1].area_code"], Fields(v));
    }

    [Theory]
    [InlineData(1999, 10, "figures[0].year")]
    [InlineData(2101, 10, "figures[0].year")]
    [InlineData(2024, 0, "figures[0].inhabitants")]
    [InlineData(2024, -5, "figures[0].inhabitants")]
    [InlineData(2024, 20_000_001, "figures[0].inhabitants")]
    public void Years_and_inhabitants_out_of_range_are_refused(int year, long inhabitants, string field)
    {
        var (_, v) = PopulationRules.Import(Import(Figure("2281", year, inhabitants)));
        Assert.Equal([field], Fields(v));
    }

    [Fact]
    public void The_edges_of_the_ranges_are_accepted()
    {
        var (_, v) = PopulationRules.Import(Import(Figure("2281", 2000, 1), Figure("2281", 2100, 20_000_000)));
        Assert.True(v.IsEmpty);
    }

    [Fact]
    public void Every_bad_figure_is_named_not_only_the_first()
    {
        var (_, v) = PopulationRules.Import(Import(Figure("9999", 2024, 10), Figure("2281", 1900, 10), Figure("22", 2024, 0)));
        Assert.Equal(["figures[0].area_code", "figures[1].year", "figures[2].inhabitants"], Fields(v));
    }

    [Fact]
    public void An_area_and_year_twice_is_refused_at_the_second()
    {
        var (_, v) = PopulationRules.Import(Import(Figure("2281", 2024, 10), Figure("2281", 2023, 10), Figure("2281", 2024, 11)));
        Assert.Equal(["figures[2].year"], Fields(v));
    }

    [Fact]
    public void No_figures_or_too_many_are_refused()
    {
        Assert.Equal(["figures"], Fields(PopulationRules.Import(Import()).Violations));
        var many = Enumerable.Range(0, 10_001).Select(i => Figure("2281", 2000 + i % 101, 10)).ToArray();
        Assert.Contains("figures", Fields(PopulationRules.Import(Import(many)).Violations));
    }

    [Theory]
    [InlineData("")]
    [InlineData("SCB\u0007")]
    [InlineData("SCB\nFolkmängd")]
    [InlineData("SCB \u202Egnämklof")]
    [InlineData("Uppgift från 19121212-1212")]
    public void A_missing_or_unprintable_source_or_one_holding_a_personnummer_is_refused(string source)
    {
        var request = Import(Figure("2281", 2024, 10));
        request.Source = source;
        Assert.Contains("source", Fields(PopulationRules.Import(request).Violations));
    }

    [Fact]
    public void A_source_of_200_characters_is_accepted_and_201_refused()
    {
        var request = Import(Figure("2281", 2024, 10));
        request.Source = new string('s', 200);
        Assert.True(PopulationRules.Import(request).Violations.IsEmpty);
        request.Source = new string('s', 201);
        Assert.Equal(["source"], Fields(PopulationRules.Import(request).Violations));
    }

    [Fact]
    public void A_listing_checks_its_areas_and_years()
    {
        Assert.True(PopulationRules.List(new ListPopulationRequest()).IsEmpty);
        Assert.True(PopulationRules.List(new ListPopulationRequest { AreaCodes = { "22", "2281" }, FromYear = 2023, ToYear = 2024 }).IsEmpty);
        Assert.Equal(["area_codes[1]", "from_year"], Fields(PopulationRules.List(new ListPopulationRequest { AreaCodes = { "22", "x" }, FromYear = 1999 })));
        Assert.Equal(["to_year"], Fields(PopulationRules.List(new ListPopulationRequest { FromYear = 2024, ToYear = 2023 })));
    }
}
