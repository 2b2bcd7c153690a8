using Exchange.Server.Statistics.Disclosure;
using Exchange.Server.Storage;
using Xunit.Abstractions;

namespace Exchange.Server.Tests.Statistics;

public class DisclosureControlTests(ITestOutputHelper output)
{
    private static Hierarchy[] Dimensions(PeriodKind period, int municipalities, params int[] valueCounts) =>
    [
        Hierarchy.Year(period),
        Hierarchy.County("22", Enumerable.Range(0, municipalities).Select(m => $"22{60 + m}")),
        .. valueCounts.Select((n, d) => Hierarchy.Flat($"d{d}", Enumerable.Range(0, n).Select(v => $"v{v}"))),
    ];

    /// <summary>Many small counts, many zeros, some large ones: what sparse registers look like.</summary>
    private static List<(int[] Leaves, long Count)> RandomCounts(Hierarchy[] dims, int seed, double zeros = 0.5, double small = 0.35)
    {
        var random = new Random(seed);
        var cells = new List<(int[], long)>();
        void Walk(int d, int[] nodes)
        {
            if (d == dims.Length)
            {
                var roll = random.NextDouble();
                long count = roll < zeros ? 0 : roll < zeros + small ? random.Next(1, 5) : random.Next(5, 60);
                cells.Add(((int[])nodes.Clone(), count));
                return;
            }
            foreach (var leaf in dims[d].Leaves)
            {
                nodes[d] = leaf;
                Walk(d + 1, nodes);
            }
        }
        Walk(0, new int[dims.Length]);
        return cells;
    }

    /// <summary>Everything the table lets a reader see: every cell, as the leaves it sums.</summary>
    internal static List<(SeenCell Seen, int Index)> Publish(ProtectedTable table)
    {
        var seen = new List<(SeenCell, int)>();
        if (table.Withheld)
        {
            return seen;
        }
        var nodes = new int[table.Dimensions.Length];
        for (var i = 0; i < table.Size; i++)
        {
            if (table.Status[i] == Disclosure.NotPublished)
            {
                continue;
            }
            table.Nodes(i, nodes);
            IEnumerable<int> leaves = [0];
            for (var d = 0; d < nodes.Length; d++)
            {
                var stride = table.Strides[d];
                var under = table.Dimensions[d].LeavesUnder[nodes[d]];
                leaves = leaves.SelectMany(l => under.Select(u => l + u * stride)).ToList();
            }
            var status = table.Status[i] switch
            {
                Disclosure.Free => SeenStatus.Free,
                Disclosure.Primary => SeenStatus.Primary,
                _ => SeenStatus.Hidden,
            };
            seen.Add((new SeenCell([.. leaves.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture))], status, status == SeenStatus.Free ? table.Values[i] : null), i));
        }
        return seen;
    }

    [Theory]
    [InlineData(PeriodKind.Quarter, 3, new[] { 2, 3 }, 40, 2)]
    [InlineData(PeriodKind.Month, 2, new[] { 2 }, 15, 2)]
    [InlineData(PeriodKind.Year, 4, new[] { 3, 2, 2 }, 15, 3)]
    [InlineData(PeriodKind.Quarter, 3, new[] { 3, 2, 2 }, 15, 2)]
    public void No_published_combination_narrows_a_small_count(PeriodKind period, int municipalities, int[] values, int datasets, int maxCrossed)
    {
        var withheld = 0;
        var primaries = 0;
        for (var seed = 0; seed < datasets; seed++)
        {
            var dims = Dimensions(period, municipalities, values);
            var table = DisclosureControl.Protect(dims, RandomCounts(dims, seed), threshold: 5, maxCrossed);
            if (table.Withheld)
            {
                withheld++;
                continue;
            }
            var published = Publish(table);
            using var attacker = new LinearAttacker(published.Select(p => p.Seen), table.Threshold);
            foreach (var (cell, index) in published)
            {
                var value = table.Values[index];
                if (cell.Status == SeenStatus.Primary)
                {
                    primaries++;
                    var (min, max) = attacker.Range(cell.Leaves);
                    Assert.True(min <= 1 + 1e-6 && max >= table.Threshold - 1 - 1e-6,
                        $"seed {seed}: an A cell (true {value}) narrowed to [{min}, {max}]");
                }
                else if (cell.Status == SeenStatus.Hidden && value is >= 1 and < 5)
                {
                    var (min, max) = attacker.Range(cell.Leaves);
                    Assert.True(max - min >= 1 - 1e-6, $"seed {seed}: a small hidden count (true {value}) pinned at {min}");
                }
            }
        }
        output.WriteLine($"{datasets} datasets, {withheld} withheld, {primaries} A cells checked");
        Assert.True(primaries > 0, "The datasets gave no A cell to attack.");
        Assert.True(withheld * 4 <= datasets, $"{withheld} of {datasets} tables withheld.");
    }
}
