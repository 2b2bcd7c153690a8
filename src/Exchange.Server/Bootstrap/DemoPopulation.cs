using Exchange.Server.Audit;
using Exchange.Server.Population;
using Exchange.Server.Statistics;

namespace Exchange.Server.Bootstrap;

/// <summary>
/// Development only: made-up but plausible inhabitants of Västernorrland's kommuner and of the county
/// (their sum) from 2023 to this year, marked as demo, so that rates per 10,000 can be shown before an
/// operator imports SCB's table. Added only where no figure exists: an import is never overwritten,
/// and an import replaces these.
/// </summary>
internal static class DemoPopulation
{
    public const string Source = "Demovärden (inte SCB)";
    public const string County = "22";

    // Round numbers near the kommuner's size in 2023, and a small yearly change each.
    private static readonly (string Code, long Inhabitants, int PerYear)[] Kommuner =
    [
        ("2260", 9_300, -60), ("2262", 17_900, 20), ("2280", 24_600, -90), ("2281", 99_600, 250),
        ("2282", 17_800, -110), ("2283", 18_800, -120), ("2284", 56_000, 40),
    ];

    public static IReadOnlyList<PopulationFigureInput> Figures(int lastYear)
    {
        var figures = new List<PopulationFigureInput>();
        for (var year = DemoStatistics.FirstYear; year <= lastYear; year++)
        {
            var offset = year - DemoStatistics.FirstYear;
            var kommuner = Kommuner.Select(k => new PopulationFigureInput(k.Code, year, k.Inhabitants + k.PerYear * offset)).ToList();
            figures.AddRange(kommuner);
            figures.Add(new PopulationFigureInput(County, year, kommuner.Sum(k => k.Inhabitants)));
        }
        return figures;
    }

    public static async Task SeedAsync(IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
    {
        var today = Periods.TodayInSweden(services.GetRequiredService<TimeProvider>());
        var added = await services.GetRequiredService<PopulationTable>().SeedDemoAsync(Figures(today.Year), Source, SystemActors.DemoSeed, cancellationToken);
        BootstrapLog.DemoPopulationSeeded(logger, added);
    }
}
