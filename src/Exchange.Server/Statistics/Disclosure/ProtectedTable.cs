namespace Exchange.Server.Statistics.Disclosure;

/// <summary>What may be published of a cell of a protected table.</summary>
public enum Disclosure : byte
{
    /// <summary>The count is published.</summary>
    Free = 0,

    /// <summary>"A": a count from 1 to the threshold − 1, not published.</summary>
    Primary = 1,

    /// <summary>"D": hidden, any count from 0.</summary>
    Secondary = 2,

    /// <summary>A cell finer than any query may ask for: never published, not even its status.</summary>
    NotPublished = 3,
}

/// <summary>
/// Every cell a query may ask for of one indicator, definition version, year and county — each leaf
/// the reporters' cells sum to and every total above them in every dimension — with what may be
/// published of it. Queries only read from it, so whatever combination of queries an attacker asks,
/// the published counts and statuses are always taken from this one pattern.
/// </summary>
public sealed class ProtectedTable
{
    internal ProtectedTable(Hierarchy[] dimensions, long[] values, Disclosure[] status, int threshold, bool withheld)
    {
        Dimensions = dimensions;
        Strides = new int[dimensions.Length];
        var stride = 1;
        for (var d = dimensions.Length - 1; d >= 0; d--)
        {
            Strides[d] = stride;
            stride *= dimensions[d].Count;
        }
        Values = values;
        Status = status;
        Threshold = threshold;
        Withheld = withheld;
    }

    /// <summary>The period, the area, then the indicator's dimensions in catalogue order.</summary>
    public Hierarchy[] Dimensions { get; }

    public int[] Strides { get; }

    /// <summary>The true counts; never published where <see cref="Status"/> is not Free.</summary>
    public long[] Values { get; }

    public Disclosure[] Status { get; }

    public int Threshold { get; }

    /// <summary>
    /// True when no pattern could be proven safe for every small count: then nothing of the table is
    /// published (see docs/disclosure-control.md).
    /// </summary>
    public bool Withheld { get; }

    public int Size => Values.Length;

    public int Index(ReadOnlySpan<int> nodes)
    {
        var index = 0;
        for (var d = 0; d < nodes.Length; d++)
        {
            index += nodes[d] * Strides[d];
        }
        return index;
    }

    public void Nodes(int index, Span<int> nodes)
    {
        for (var d = 0; d < Dimensions.Length; d++)
        {
            nodes[d] = index / Strides[d] % Dimensions[d].Count;
        }
    }
}
