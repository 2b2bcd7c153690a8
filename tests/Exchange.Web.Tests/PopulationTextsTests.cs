using Exchange.Client;
using Exchange.Web.Population;

namespace Exchange.Web.Tests;

public class PopulationTextsTests
{
    [Fact]
    public void Each_problem_of_the_file_is_told_in_swedish_with_its_line()
    {
        var read = ScbPopulationCsv.ReadText("region;2023;2024\n2281 Sundsvall;99535;..\nSundsvall;1;2\n");

        Assert.Equal(
            ["Rad 2: Värde saknas för 2024 (”..”, ”-” eller tomt). Exportera bara år som SCB har publicerat för alla regioner.",
             "Rad 3: Regionen börjar inte med en kommunkod (4 siffror) eller länskod (2 siffror), t.ex. ”2281 Sundsvall”."],
            read.Errors.Select(PopulationTexts.Describe));
        Assert.StartsWith("Filen: Hittar ingen rubrikrad", PopulationTexts.Describe(ScbPopulationCsv.ReadText("").Errors.Single()), StringComparison.Ordinal);
    }

    [Fact]
    public void A_server_violation_of_a_figure_is_told_by_the_figures_line_in_the_file()
    {
        var read = ScbPopulationCsv.ReadText("\"Folkmängd\"\n\nregion;2024\n2281 Sundsvall;99828\n2299 Okänd;5000\n");

        Assert.Equal("Rad 5 (2299, 2024): Exchange känner inte till området: ange en kommun eller ett län som finns.",
            PopulationTexts.DescribeViolation("figures[1].area_code", read.Figures));
        Assert.StartsWith("Källan godtogs inte", PopulationTexts.DescribeViolation("source", read.Figures), StringComparison.Ordinal);
        // An index the file does not have is not invented into a line.
        Assert.Equal("Exchange godtog inte importen.", PopulationTexts.DescribeViolation("figures[7].year", read.Figures));
    }

    [Fact]
    public void Areas_of_the_county_are_named_and_numbers_grouped_as_swedish_writes_them()
    {
        Assert.Equal("2281 Sundsvall", PopulationTexts.Area("2281"));
        Assert.Equal("0180", PopulationTexts.Area("0180"));
        Assert.Equal("99\u00A0535", PopulationTexts.Number(99_535));
    }
}
