using Exchange.Server.Statistics;
using Exchange.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Bootstrap;

/// <summary>
/// Development only: synthetic but plausible counts from 2023 to today for every demo reporter, so
/// that a newcomer's first query shows free, "A" and "D" cells. Drawn from a fixed seed per reporter,
/// indicator and year, so a restart stores the same counts (a retried request_id) and only a new
/// period adds a submission.
/// </summary>
internal static class DemoStatistics
{
    public const int FirstYear = 2023;

    // Inhabitants of Västernorrland's kommuner, in thousands: how a county's counts spread over them.
    private static readonly Dictionary<string, double> Population = new(StringComparer.Ordinal)
    {
        ["2260"] = 9, ["2262"] = 18, ["2280"] = 25, ["2281"] = 100, ["2282"] = 18, ["2283"] = 19, ["2284"] = 56,
    };

    // The share of each value of a dimension, where it is not even.
    private static readonly Dictionary<string, double> Shares = new(StringComparer.Ordinal)
    {
        ["misshandel"] = 0.5, ["grov_kvinnofridskrankning"] = 0.08, ["grov_fridskrankning"] = 0.04, ["olaga_forfoljelse"] = 0.1, ["olaga_hot"] = 0.2, ["valdtakt"] = 0.08,
        ["female"] = 0.8, ["male"] = 0.2,
        ["0_17"] = 0.05, ["18_29"] = 0.28, ["30_49"] = 0.42, ["50_64"] = 0.18, ["65_plus"] = 0.07,
        ["partner_or_former_partner"] = 0.65, ["other_family"] = 0.2, ["other_acquaintance"] = 0.15,
        ["phone"] = 0.5, ["visit"] = 0.3, ["digital"] = 0.2,
        ["yes"] = 0.45, ["no"] = 0.55,
        ["social_services"] = 0.4, ["schools"] = 0.3, ["elderly_care"] = 0.2, ["other"] = 0.1,
    };

    // The county's yearly total of each indicator.
    private static readonly Dictionary<string, double> YearlyTotal = new(StringComparer.Ordinal)
    {
        ["police_reported_offences_close_relationship"] = 1800,
        ["region_patients_asked_about_violence"] = 24000,
        ["region_patients_referred_onwards"] = 600,
        ["municipality_adults_supported"] = 1600,
        ["municipality_children_supported"] = 1000,
        ["municipality_sheltered_housing_placements"] = 160,
        ["municipality_staff_trained"] = 600,
        ["shelter_support_contacts"] = 3600,
        ["shelter_nights_sheltered_housing"] = 4800,
    };

    public static async Task SeedAsync(IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<ExchangeDbContext>();
        var store = services.GetRequiredService<StatisticsStore>();
        var today = Periods.TodayInSweden(services.GetRequiredService<TimeProvider>());
        var indicators = await db.Indicators.AsNoTracking().Where(i => i.Enabled).ToListAsync(cancellationToken);
        var stored = 0;
        foreach (var reporter in DemoSeed.Authorities.Where(a => a.Kind != PartyKind.Operator && a.Kind != PartyKind.County))
        {
            foreach (var indicator in indicators.Where(i => i.ReporterKinds.Contains(reporter.Kind) && YearlyTotal.ContainsKey(i.Code)))
            {
                for (var year = FirstYear; year <= today.Year; year++)
                {
                    var cells = Cells(reporter, indicator, year, today);
                    if (cells.Count == 0)
                    {
                        continue;
                    }
                    var last = cells.Max(c => c.Key.PeriodNumber);
                    await store.StoreAsync(reporter.Id, $"demo-{indicator.Code}-{year}-{last}", cells, cancellationToken);
                    stored += cells.Count;
                }
            }
        }
        BootstrapLog.DemoStatisticsSeeded(logger, stored);
    }

    private static List<ReportedCell> Cells(AuthorityEntity reporter, IndicatorEntity indicator, int year, DateOnly today)
    {
        var random = new Random(StableSeed($"{reporter.Id}|{indicator.Code}|{year}"));
        var areas = indicator.ReportingLevel == AreaLevelKind.County
            ? reporter.AreaCodes.Where(a => a.Length == 2).ToList()
            : reporter.AreaCodes.Any(a => a.Length == 2) ? [.. Population.Keys] : reporter.AreaCodes.Where(Population.ContainsKey).ToList();
        var perYear = Periods.PerYear(indicator.ReportingPeriod);
        var combinations = indicator.Dimensions.Aggregate(
            (IEnumerable<(IEnumerable<(string, string)> Values, double Share)>)[([], 1.0)],
            (acc, d) => acc.SelectMany(a => d.Values.Select(v => (
                Values: a.Values.Append((d.Code, v)),
                Share: a.Share * Shares.GetValueOrDefault(v, 1.0 / d.Values.Count)))))
            .Select(c => (Key: StoredDimensions.Format(c.Values), c.Share)).ToList();
        var cells = new List<ReportedCell>();
        for (var number = perYear == 1 ? 0 : 1; number <= (perYear == 1 ? 0 : perYear); number++)
        {
            if (Periods.Start(indicator.ReportingPeriod, year, number) > today)
            {
                break;
            }
            foreach (var area in areas)
            {
                // A shelter, a municipality or the region reports its own share; the police all of the county.
                var areaShare = area.Length == 2 ? 1.0 : Population[area] / Population.Values.Sum();
                var areaTotal = YearlyTotal[indicator.Code] / perYear * (reporter.Kind == PartyKind.Shelter ? 1.0 : areaShare);
                foreach (var (key, share) in combinations)
                {
                    cells.Add(new ReportedCell(new CellKey(indicator.Code, indicator.DefinitionVersion, year, number, area, key), Poisson(random, areaTotal * share)));
                }
            }
        }
        return cells;
    }

    private static long Poisson(Random random, double mean)
    {
        if (mean > 30)
        {
            // Normal approximation: Knuth's product underflows for large means.
            var u = 1 - random.NextDouble();
            var z = Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble());
            return Math.Max(0, (long)Math.Round(mean + z * Math.Sqrt(mean)));
        }
        var limit = Math.Exp(-mean);
        var product = random.NextDouble();
        long k = 0;
        while (product > limit)
        {
            k++;
            product *= random.NextDouble();
        }
        return k;
    }

    private static int StableSeed(string text)
    {
        // FNV-1a: string.GetHashCode differs between processes, and a restart must draw the same counts.
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return (int)hash;
    }
}
