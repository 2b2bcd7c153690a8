using Exchange.Server.Storage;

namespace Exchange.Server.Statistics.Disclosure;

/// <summary>
/// One dimension of a protected table as a tree: the values cells are reported with at the leaves
/// (level 0) and every total a query may ask for above them — months under quarters under the year,
/// kommuner under their county, a dimension's values under its total.
/// </summary>
public sealed class Hierarchy
{
    private Hierarchy(string name, IReadOnlyList<string> codes, int[] parent)
    {
        Name = name;
        Codes = codes;
        Parent = parent;
        var count = codes.Count;
        var children = Enumerable.Range(0, count).Select(_ => new List<int>()).ToArray();
        for (var n = 0; n < count; n++)
        {
            if (parent[n] >= 0)
            {
                children[parent[n]].Add(n);
            }
        }
        Children = [.. children.Select(c => c.ToArray())];
        Level = new int[count];
        for (var n = 0; n < count; n++)
        {
            Level[n] = LevelOf(n);
        }
        Root = Array.IndexOf(parent, -1);
        Leaves = [.. Enumerable.Range(0, count).Where(n => Children[n].Length == 0)];
        LeavesUnder = [.. Enumerable.Range(0, count).Select(n => Leaves.Where(l => IsWithin(l, n)).ToArray())];
        BottomUp = [.. Enumerable.Range(0, count).OrderBy(n => Level[n]).ThenBy(n => n)];
        index = codes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
    }

    private readonly Dictionary<string, int> index;

    /// <summary>What the dimension is, e.g. "period", "area" or a dimension code.</summary>
    public string Name { get; }

    /// <summary>Each node's code: a dimension value, a kommunkod or county code, "Y", "Q1" or "M3"; "" for a dimension's total.</summary>
    public IReadOnlyList<string> Codes { get; }

    /// <summary>Each node's parent; -1 for the root.</summary>
    public int[] Parent { get; }

    public int[][] Children { get; }

    /// <summary>Each node's height above the leaves: 0 for a leaf; a parent is above all its children.</summary>
    public int[] Level { get; }

    public int Root { get; }

    /// <summary>The nodes cells are reported at.</summary>
    public int[] Leaves { get; }

    /// <summary>For each node, the leaves it sums.</summary>
    public int[][] LeavesUnder { get; }

    /// <summary>All nodes, children before their parents.</summary>
    public int[] BottomUp { get; }

    public int Count => Codes.Count;

    public int? Find(string code) => index.TryGetValue(code, out var n) ? n : null;

    /// <summary>Whether <paramref name="node"/> is <paramref name="ancestor"/> or lies below it.</summary>
    public bool IsWithin(int node, int ancestor)
    {
        for (var n = node; n >= 0; n = Parent[n])
        {
            if (n == ancestor)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The nodes from <paramref name="from"/> up to and including <paramref name="to"/>, which must lie above it.</summary>
    public List<int> PathUp(int from, int to)
    {
        var path = new List<int>();
        for (var n = from; ; n = Parent[n])
        {
            path.Add(n);
            if (n == to)
            {
                return path;
            }
        }
    }

    private int LevelOf(int node)
    {
        var level = 0;
        foreach (var n in Enumerable.Range(0, Count).Where(c => Parent[c] == node))
        {
            level = Math.Max(level, LevelOf(n) + 1);
        }
        return level;
    }

    /// <summary>A dimension's values under its total ("").</summary>
    public static Hierarchy Flat(string name, IEnumerable<string> values)
    {
        var codes = new List<string> { "" };
        codes.AddRange(values);
        return new Hierarchy(name, codes, [-1, .. Enumerable.Repeat(0, codes.Count - 1)]);
    }

    /// <summary>One year: its months under quarters, its quarters, or the year alone, as the indicator reports.</summary>
    public static Hierarchy Year(PeriodKind reported)
    {
        var codes = new List<string> { "Y" };
        var parent = new List<int> { -1 };
        if (reported != PeriodKind.Year)
        {
            for (var q = 1; q <= 4; q++)
            {
                codes.Add($"Q{q}");
                parent.Add(0);
                var quarter = codes.Count - 1;
                if (reported == PeriodKind.Month)
                {
                    for (var m = 3 * q - 2; m <= 3 * q; m++)
                    {
                        codes.Add($"M{m}");
                        parent.Add(quarter);
                    }
                }
            }
        }
        return new Hierarchy("period", codes, [.. parent]);
    }

    /// <summary>A county with the kommuner below it, or the county alone.</summary>
    public static Hierarchy County(string countyCode, IEnumerable<string> municipalityCodes)
    {
        var codes = new List<string> { countyCode };
        codes.AddRange(municipalityCodes);
        return new Hierarchy("area", codes, [-1, .. Enumerable.Repeat(0, codes.Count - 1)]);
    }
}
