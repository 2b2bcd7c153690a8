using Exchange.V1;

namespace Exchange.Web.FollowUp;

/// <summary>What a chart draws: the count, or the count per 10,000 inhabitants.</summary>
public enum Measure
{
    Count,
    Rate,
}

/// <summary>
/// One cell of a query result as the pages show it: where it belongs (period, area, dimension value),
/// its disclosure status and, only when free, its count; and the population figure a rate is computed
/// from. A suppressed cell has no count here either, so nothing can draw or export it as a number.
/// </summary>
public sealed record Figure
{
    public required string Label { get; init; }

    public required Period Period { get; init; }

    public required string AreaCode { get; init; }

    /// <summary>The grouped dimension's value; empty for no breakdown, or for the total over all values.</summary>
    public string DimensionValue { get; init; } = "";

    public required CellStatus Status { get; init; }

    /// <summary>The count; only for a free cell.</summary>
    public long? Count { get; init; }

    public int DefinitionVersion { get; init; }

    /// <summary>Inhabitants of the area in the period's year, when the population table has them.</summary>
    public PopulationFigure? Population { get; init; }

    /// <summary>A total (the county among kommuner, or all values of a dimension): drawn apart from the rest.</summary>
    public bool IsTotal { get; init; }

    public bool IsSuppressed => Status is CellStatus.PrimarySuppressed or CellStatus.SecondarySuppressed;

    /// <summary>"A" (primary) or "D" (secondary) for a suppressed cell; null otherwise.</summary>
    public string? Mark => Status switch
    {
        CellStatus.PrimarySuppressed => "A",
        CellStatus.SecondarySuppressed => "D",
        _ => null,
    };

    /// <summary>Count per 10,000 inhabitants: only for a free count with a population figure.</summary>
    public double? Rate => Rates.Per10000(IsSuppressed ? null : Count, Population?.Inhabitants);

    public double? Value(Measure measure) => IsSuppressed ? null : measure == Measure.Count ? Count : Rate;

    /// <summary>As a table shows it: the number, "A"/"D", or "–" when there is nothing to show.</summary>
    public string Display(Measure measure) => Mark ?? (Value(measure) is { } v ? FollowUpTexts.Number(v, measure == Measure.Count ? 0 : 1) : "–");
}

/// <summary>Rates per 10,000 inhabitants.</summary>
public static class Rates
{
    public static double? Per10000(long? count, long? inhabitants) =>
        count is { } c && inhabitants is { } n && n > 0 ? c * 10_000.0 / n : null;
}

/// <summary>The population table as read from the exchange (ListPopulation): inhabitants by area and year.</summary>
public sealed class PopulationTable
{
    private readonly Dictionary<(string Area, int Year), PopulationFigure> figures;

    public PopulationTable(IEnumerable<PopulationFigure> figures)
    {
        this.figures = [];
        foreach (var figure in figures)
        {
            this.figures[(figure.AreaCode, figure.Year)] = figure;
        }
    }

    /// <summary>No table: the population service could not be read; rates are unavailable.</summary>
    public static readonly PopulationTable None = new([]);

    public PopulationFigure? Find(string areaCode, int year) => figures.GetValueOrDefault((areaCode, year));

    public bool IsEmpty => figures.Count == 0;
}

/// <summary>Turns query result cells into figures.</summary>
public static class Figures
{
    /// <summary>
    /// The cells as figures, labelled by <paramref name="label"/>, each with the population of its area
    /// and year; a cell whose area is <paramref name="totalArea"/> or whose grouped value is empty is a total.
    /// </summary>
    public static List<Figure> From(IEnumerable<ResultCell> cells, int definitionVersion, PopulationTable population, Func<ResultCell, string> label,
        string? totalArea = null) =>
        [.. cells.Select(c => new Figure
        {
            Label = label(c),
            Period = c.Period,
            AreaCode = c.AreaCode,
            DimensionValue = c.Dimensions.Count > 0 ? c.Dimensions[0].Value : "",
            Status = c.Status,
            Count = c.Status is CellStatus.Free or CellStatus.Own && c.HasCount ? c.Count : null,
            DefinitionVersion = definitionVersion,
            Population = population.Find(c.AreaCode, c.Period.Year),
            IsTotal = (totalArea is not null && c.AreaCode == totalArea) || (c.Dimensions.Count > 0 && c.Dimensions[0].Value.Length == 0),
        })];
}
