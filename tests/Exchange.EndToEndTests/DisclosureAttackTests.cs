using Exchange.Server.Tests.Statistics;
using Exchange.V1;
using Xunit.Abstractions;
using static Exchange.EndToEndTests.StatisticsTestData;

namespace Exchange.EndToEndTests;

/// <summary>
/// The attacker of docs/disclosure-control.md, through the API: for seeded random registers it asks
/// the real server every query shape for an indicator and a year, checks that the answers agree with
/// each other, and solves the linear system of everything published for the least and greatest value
/// of every "A" cell.
/// </summary>
[Collection(SharedServer.Name)]
public class DisclosureAttackTests(ExchangeServer server, ITestOutputHelper output)
{
    private static readonly int Year = DateTime.UtcNow.Year - 1;
    private static readonly string[] Kommuner = ["2262", "2281", "2284"];
    private static readonly string[] A = ["a0", "a1", "a2"];
    private static readonly string[] B = ["b0", "b1"];

    [Theory]
    [InlineData(11, 2)]
    [InlineData(12, 2)]
    [InlineData(13, 2)]
    // One dimension at a time, as the police indicator is published: the server then proves over margins.
    [InlineData(14, 1)]
    [InlineData(15, 1)]
    public async Task No_combination_of_queries_narrows_a_primary_suppressed_count(int seed, int maxCrossed)
    {
        var indicator = await server.NewIndicatorAsync(AuthorityKind.Police, maxCrossed: maxCrossed, dimensions:
        [
            new Dimension { Code = "a", Name = "A", Values = { A } },
            new Dimension { Code = "b", Name = "B", Values = { B } },
        ]);
        var (police, _) = await server.NewAuthorityInAsync(AuthorityKind.Police, ["22"], "statistics.report");
        var (county, _) = await server.NewAuthorityInAsync(AuthorityKind.County, ["22"], "statistics.read");
        using var _ = police;
        using var __ = county;
        var random = new Random(seed);
        var register = (from q in Enumerable.Range(1, 4) from k in Kommuner from a in A from b in B
                        let roll = random.NextDouble()
                        select (q, k, a, b, Count: roll < 0.5 ? 0L : roll < 0.85 ? random.Next(1, 5) : random.Next(5, 60))).ToList();
        await police.Statistics.SubmitStatisticsAsync(new SubmitStatisticsRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Cells = { register.Select(r => indicator.Cell(Quarter(Year, r.q), r.k, r.Count, r.a, r.b)) },
        });

        // Every shape: quarters and the year, by kommun and by county, grouped by any subset, with totals,
        // and filtered to single values.
        var seen = new Dictionary<string, ResultCell>(StringComparer.Ordinal);
        var queries = 0;
        foreach (var period in new[] { (From: Quarter(Year, 1), To: Quarter(Year, 4)), (From: StatisticsTestData.Year(Year), To: StatisticsTestData.Year(Year)) })
        {
            foreach (var level in new[] { AreaLevel.Municipality, AreaLevel.County })
            {
                foreach (string[] groupBy in new[] { Array.Empty<string>(), ["a"], ["b"], ["a", "b"] }.Where(g => g.Length <= maxCrossed))
                {
                    var shapes = new List<QueryStatisticsRequest> { new() { GroupBy = { groupBy }, IncludeTotals = true } };
                    foreach (var (dimension, values) in new[] { ("a", A), ("b", B) }.Where(f => !groupBy.Contains(f.Item1) && groupBy.Length < maxCrossed))
                    {
                        shapes.AddRange(values.Select(v => new QueryStatisticsRequest { GroupBy = { groupBy }, Filters = { new DimensionFilter { Dimension = dimension, Values = { v } } } }));
                    }
                    foreach (var shape in shapes)
                    {
                        shape.IndicatorCode = indicator.Code;
                        shape.FromPeriod = period.From;
                        shape.ToPeriod = period.To;
                        shape.AreaLevel = level;
                        queries++;
                        var filtered = shape.Filters.ToDictionary(f => f.Dimension, f => f.Values.Single());
                        foreach (var cell in await county.QueryEveryPageAsync(shape))
                        {
                            var values = cell.Dimensions.ToDictionary(d => d.Dimension, d => d.Value);
                            var key = $"{cell.Period.Type}{cell.Period.Number}|{cell.AreaCode}|{values.GetValueOrDefault("a", filtered.GetValueOrDefault("a", ""))}|{values.GetValueOrDefault("b", filtered.GetValueOrDefault("b", ""))}";
                            if (seen.TryGetValue(key, out var earlier))
                            {
                                // One pattern for the whole table: every shape shows a cell the same way.
                                Assert.Equal((earlier.Status, earlier.HasCount ? earlier.Count : -1), (cell.Status, cell.HasCount ? cell.Count : -1));
                            }
                            seen[key] = cell;
                        }
                    }
                }
            }
        }

        // The leaves each published cell sums: quarter, kommun, a, b.
        IReadOnlyList<string> Leaves(string key)
        {
            var parts = key.Split('|');
            var quarters = parts[0].StartsWith("Quarter", StringComparison.Ordinal) ? [int.Parse(parts[0]["Quarter".Length..], System.Globalization.CultureInfo.InvariantCulture)] : new[] { 1, 2, 3, 4 };
            var kommuner = parts[1] == "22" ? Kommuner : [parts[1]];
            var a = parts[2] == "" ? A : [parts[2]];
            var b = parts[3] == "" ? B : [parts[3]];
            return [.. from q in quarters from k in kommuner from x in a from y in b select $"{q}|{k}|{x}|{y}"];
        }
        var published = seen.Select(s => (Key: s.Key, Seen: new SeenCell(Leaves(s.Key), s.Value.Status switch
        {
            CellStatus.Free => SeenStatus.Free,
            CellStatus.PrimarySuppressed => SeenStatus.Primary,
            _ => SeenStatus.Hidden,
        }, s.Value.HasCount ? s.Value.Count : null))).ToList();
        Assert.Equal(maxCrossed == 2 ? 5 * 4 * 4 * 3 : 5 * 4 * (1 + 3 + 2), published.Count);

        using var attacker = new LinearAttacker(published.Select(p => p.Seen), threshold: 5);
        var primaries = 0;
        foreach (var (key, cell) in published.Where(p => p.Seen.Status == SeenStatus.Primary))
        {
            primaries++;
            var (min, max) = attacker.Range(cell.Leaves);
            Assert.True(min <= 1 + 1e-6 && max >= 4 - 1e-6, $"{key}: an A cell narrowed to [{min}, {max}]");
        }
        var truth = register.ToDictionary(r => $"{r.q}|{r.k}|{r.a}|{r.b}", r => r.Count);
        foreach (var (key, cell) in published.Where(p => p.Seen.Status == SeenStatus.Free))
        {
            Assert.Equal(cell.Leaves.Sum(l => truth[l]), cell.Count);
        }
        output.WriteLine($"seed {seed}: {queries} queries, {published.Count} cells, {primaries} A attacked, {published.Count(p => p.Seen.Status == SeenStatus.Free)} free");
        Assert.True(primaries > 0);
    }
}
