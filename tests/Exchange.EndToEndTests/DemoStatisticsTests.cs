using Exchange.Client;
using Exchange.V1;
using Xunit.Abstractions;
using static Exchange.EndToEndTests.StatisticsTestData;

namespace Exchange.EndToEndTests;

/// <summary>The Development server as a newcomer starts it: demo statistics included.</summary>
public sealed class DemoStatisticsServer : ExchangeServer
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Exchange:Demo:Statistics"] = "true";
            return settings;
        }
    }
}

public class DemoStatisticsTests(DemoStatisticsServer server, ITestOutputHelper output) : IClassFixture<DemoStatisticsServer>
{
    [Fact]
    public async Task A_newcomers_first_query_shows_free_primary_and_secondary_cells()
    {
        using var county = server.Demo("lansstyrelsen-vasternorrland");
        var started = System.Diagnostics.Stopwatch.StartNew();
        var cells = await county.QueryEveryPageAsync(new QueryStatisticsRequest
        {
            IndicatorCode = "police_reported_offences_close_relationship",
            FromPeriod = Quarter(2025, 1),
            ToPeriod = Quarter(2025, 4),
            GroupBy = { "offence" },
            IncludeTotals = true,
        });
        output.WriteLine($"{cells.Count} cells in {started.ElapsedMilliseconds} ms: {string.Join(", ", cells.GroupBy(c => c.Status).Select(g => $"{g.Key} {g.Count()}"))}");
        foreach (var c in cells.Take(40))
        {
            output.WriteLine($"{c.Period.Year} Q{c.Period.Number} {c.AreaCode} {c.Dimensions[0].Value,-26} {c.Status} {(c.HasCount ? c.Count : "")}");
        }
        Assert.Contains(cells, c => c.Status == CellStatus.Free);
        Assert.Contains(cells, c => c.Status == CellStatus.PrimarySuppressed);
        Assert.Contains(cells, c => c.Status == CellStatus.SecondarySuppressed);
    }
}

/// <summary>The README's worked example, run as written against the demo server: the police report a quarter, the county reads it.</summary>
public class ReadmeStatisticsExampleTests(DemoStatisticsServer server, ITestOutputHelper output) : IClassFixture<DemoStatisticsServer>
{
    private sealed record Row(string Kommunkod, string Offence, string Sex, string AgeBand, string Relation, long Count);

    [Fact]
    public async Task The_police_report_a_quarter_and_the_county_reads_it_by_municipality_and_offence()
    {
        // A plausible quarter: about 450 offences, spread as the county's population and as such
        // offences are (mostly misshandel, mostly women, mostly partners), drawn at random.
        var random = new Random(2026);
        var population = new Dictionary<string, double> { ["2260"] = 9, ["2262"] = 18, ["2280"] = 25, ["2281"] = 100, ["2282"] = 18, ["2283"] = 19, ["2284"] = 56 };
        var offences = new Dictionary<string, double> { ["misshandel"] = 0.5, ["grov_kvinnofridskrankning"] = 0.08, ["grov_fridskrankning"] = 0.04, ["olaga_forfoljelse"] = 0.1, ["olaga_hot"] = 0.2, ["valdtakt"] = 0.08 };
        var sexes = new Dictionary<string, double> { ["female"] = 0.8, ["male"] = 0.2 };
        var ages = new Dictionary<string, double> { ["0_17"] = 0.05, ["18_29"] = 0.28, ["30_49"] = 0.42, ["50_64"] = 0.18, ["65_plus"] = 0.07 };
        var relations = new Dictionary<string, double> { ["partner_or_former_partner"] = 0.65, ["other_family"] = 0.2, ["other_acquaintance"] = 0.15 };
        long Poisson(double mean)
        {
            var limit = Math.Exp(-mean);
            var product = random.NextDouble();
            var k = 0L;
            for (; product > limit; k++)
            {
                product *= random.NextDouble();
            }
            return k;
        }
        var register = (from k in population from o in offences from s in sexes from a in ages from r in relations
                        select new Row(k.Key, o.Key, s.Key, a.Key, r.Key, Poisson(450 * k.Value / 245 * o.Value * s.Value * a.Value * r.Value))).ToList();

        // As in README.md, from here on.
        using var police = server.Demo("polisregion-nord");
        var quarter = new Period { Type = PeriodType.Quarter, Year = 2026, Number = 3 };
        var cells = register.Select(r => new Cell
        {
            IndicatorCode = "police_reported_offences_close_relationship",
            Period = quarter,
            AreaCode = r.Kommunkod,
            Count = r.Count,
            Dimensions =
            {
                new DimensionValue { Dimension = "offence", Value = r.Offence },
                new DimensionValue { Dimension = "victim_sex", Value = r.Sex },
                new DimensionValue { Dimension = "age_band", Value = r.AgeBand },
                new DimensionValue { Dimension = "relation", Value = r.Relation },
            },
        });
        var result = await police.Statistics.ReportAsync(cells, new ReportOptions { RequestId = "polisen-2026-q3" });
        output.WriteLine($"{result.CellCount} cells stored, {result.ReplacedCount} of them corrections");

        using var county = server.Demo("lansstyrelsen-vasternorrland");
        var lines = new List<string>();
        await foreach (var cell in county.Statistics.QueryAllAsync(new QueryStatisticsRequest
        {
            IndicatorCode = "police_reported_offences_close_relationship",
            FromPeriod = quarter,
            GroupBy = { "offence" },
            IncludeTotals = true,
        }))
        {
            var shown = cell.Status switch
            {
                CellStatus.Free => cell.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                CellStatus.PrimarySuppressed => "A (1–4)",
                _ => "D (hidden)",
            };
            lines.Add($"{cell.AreaCode} {(cell.Dimensions[0].Value is "" ? "all offences" : cell.Dimensions[0].Value),-26} {shown}");
        }
        // Up to here.
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }

        Assert.Equal(register.Count, result.CellCount);
        Assert.Equal(8 * 7, lines.Count);
        // What is published is the register's true sum, and never a small count.
        foreach (var parts in lines.Select(l => l.Split(' ', 2)).Where(p => long.TryParse(p[1][26..].Trim(), out _)))
        {
            var count = long.Parse(parts[1][26..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            var offence = parts[1][..26].Trim();
            Assert.Equal(register.Where(r => (parts[0] == "22" || r.Kommunkod == parts[0]) && (offence == "all offences" || r.Offence == offence)).Sum(r => r.Count), count);
            Assert.False(count is >= 1 and <= 4);
        }
    }
}
