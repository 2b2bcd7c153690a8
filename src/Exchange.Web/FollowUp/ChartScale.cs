using System.Globalization;

namespace Exchange.Web.FollowUp;

/// <summary>The value axis of a chart: from zero to a round number above the largest value.</summary>
public sealed class ChartScale
{
    public ChartScale(IEnumerable<double> values, double top, double bottom)
    {
        var largest = values.DefaultIfEmpty(0).Max();
        Max = NiceCeiling(largest);
        Top = top;
        Bottom = bottom;
    }

    public double Max { get; }

    public double Top { get; }

    public double Bottom { get; }

    /// <summary>The y coordinate of a value.</summary>
    public double Y(double value) => Bottom - (value / Max * (Bottom - Top));

    /// <summary>Five ticks from zero to <see cref="Max"/>.</summary>
    public IEnumerable<double> Ticks => Enumerable.Range(0, 5).Select(i => Max * i / 4);

    public static string Label(double tick) => FollowUpTexts.Number(tick, tick % 1 == 0 ? 0 : 1);

    /// <summary>1, 2, 2.5 or 5 times a power of ten, at least <paramref name="value"/> (and at least 1).</summary>
    public static double NiceCeiling(double value)
    {
        if (value <= 1)
        {
            return 1;
        }
        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * power >= value)
            {
                return step * power;
            }
        }
        return 10 * power;
    }

    /// <summary>A coordinate for SVG: invariant culture, two decimals.</summary>
    public static string At(double coordinate) => coordinate.ToString("0.##", CultureInfo.InvariantCulture);
}

/// <summary>One definition version's part of a trend: the figures of the periods reported under it.</summary>
public sealed record TrendSegment(int Version, IReadOnlyList<Figure> Figures);
