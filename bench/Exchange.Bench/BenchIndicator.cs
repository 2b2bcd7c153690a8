using Exchange.V1;

namespace Exchange.Bench;

/// <summary>
/// The indicator the ingestion and query scenarios load, created through the admin API because the
/// starter indicators hold too few distinct cells: reported by the police, by month and kommun, with
/// two dimensions of 72 and 64 values. Cell number <c>i</c> is always the same cell, so a load of
/// cells [from, to) never repeats one: 4,608 cells per month and kommun, the 7 kommuner of county 22,
/// the 312 months of 2000–2025, 10,063,872 cells in all. Counts are 5–1000, at or above the
/// suppression threshold, so disclosure control finds nothing to suppress.
/// </summary>
internal sealed class BenchIndicator(string code)
{
    public const string FirstDimension = "bench_x";
    public const string SecondDimension = "bench_y";
    private const int FirstValues = 72;
    private const int SecondValues = 64;
    private const int CombinationsPerSlice = FirstValues * SecondValues;
    private const int FirstYear = 2000;
    private const int Years = 26;

    private static readonly string[] FirstValueCodes = [.. Enumerable.Range(0, FirstValues).Select(i => Text.Invariant($"x{i:D2}"))];
    private static readonly string[] SecondValueCodes = [.. Enumerable.Range(0, SecondValues).Select(i => Text.Invariant($"y{i:D2}"))];

    public static long Capacity => (long)CombinationsPerSlice * Authorities.Municipalities.Count * Years * 12;

    public string Code => code;

    public static Indicator Definition(string code) => new()
    {
        Code = code,
        Name = "Benchmark load (exchange-bench)",
        Description = "Synthetic cells loaded by the benchmark to measure ingestion and queries at scale. Not real data.",
        Goal = PlanGoal.KnowledgeAndMethods,
        Unit = "cells",
        ReporterKinds = { AuthorityKind.Police },
        Dimensions =
        {
            new Dimension { Code = FirstDimension, Name = "Benchmark dimension x", Values = { FirstValueCodes } },
            new Dimension { Code = SecondDimension, Name = "Benchmark dimension y", Values = { SecondValueCodes } },
        },
        SuppressionThreshold = 5,
        ReportingLevel = AreaLevel.Municipality,
        ReportingPeriod = PeriodType.Month,
        MaxCrossedDimensions = 2,
    };

    private readonly record struct Coordinates(int Year, int Month, string Area, int First, int Second);

    private static Coordinates At(long index)
    {
        var slice = index / CombinationsPerSlice;
        var combination = (int)(index % CombinationsPerSlice);
        var area = Authorities.Municipalities[(int)(slice % Authorities.Municipalities.Count)];
        var month = slice / Authorities.Municipalities.Count;
        return new Coordinates(FirstYear + (int)(month / 12), (int)(month % 12) + 1, area, combination / SecondValues, combination % SecondValues);
    }

    private static long CountAt(long index) => 5 + (index * 7919 % 996);

    public Cell CellAt(long index)
    {
        var at = At(index);
        return new Cell
        {
            IndicatorCode = code,
            Period = new Period { Type = PeriodType.Month, Year = at.Year, Number = at.Month },
            AreaCode = at.Area,
            Dimensions =
            {
                new DimensionValue { Dimension = FirstDimension, Value = FirstValueCodes[at.First] },
                new DimensionValue { Dimension = SecondDimension, Value = SecondValueCodes[at.Second] },
            },
            Count = CountAt(index),
        };
    }

    /// <summary>Cell <paramref name="index"/> as a row of statistics_cells, for the raw insert.</summary>
    public StoredCellRow RowAt(long index, string reporterId, string submissionId)
    {
        var at = At(index);
        return new StoredCellRow(code, 1, at.Year, at.Month, at.Area,
            $"{FirstDimension}={FirstValueCodes[at.First]};{SecondDimension}={SecondValueCodes[at.Second]}", reporterId, CountAt(index), submissionId);
    }

    /// <summary>
    /// Distinct queries over the (year, kommun) pairs wholly loaded when <paramref name="storedCells"/>
    /// cells are stored, in a fixed order: by year and kommun, grouped by either dimension, alone or
    /// with the other filtered to one value.
    /// </summary>
    public IEnumerable<BenchQuery> Queries(long storedCells)
    {
        var fullSlices = storedCells / CombinationsPerSlice;
        var monthsByPair = new Dictionary<(int Year, string Area), int>();
        for (long slice = 0; slice < fullSlices; slice++)
        {
            var at = At(slice * CombinationsPerSlice);
            monthsByPair[(at.Year, at.Area)] = monthsByPair.GetValueOrDefault((at.Year, at.Area)) + 1;
        }
        var pairs = monthsByPair.Keys.ToList();
        if (pairs.Count == 0)
        {
            yield break;
        }
        // Round-robin over the pairs first, so that the first queries touch different data.
        for (var shape = 0; shape < 2 + FirstValues + SecondValues; shape++)
        {
            foreach (var (year, area) in pairs)
            {
                yield return shape switch
                {
                    0 => new BenchQuery(this, year, area, GroupByFirst: true, null),
                    1 => new BenchQuery(this, year, area, GroupByFirst: false, null),
                    < 2 + SecondValues => new BenchQuery(this, year, area, GroupByFirst: true, SecondValueCodes[shape - 2]),
                    _ => new BenchQuery(this, year, area, GroupByFirst: false, FirstValueCodes[shape - 2 - SecondValues]),
                };
            }
        }
    }
}

/// <summary>A query of the bench indicator: one year (rolled up from months) and one kommun, grouped by one dimension, optionally with the other filtered to one value.</summary>
internal sealed record BenchQuery(BenchIndicator Indicator, int Year, string Area, bool GroupByFirst, string? FilterValue)
{
    private string GroupedDimension => GroupByFirst ? BenchIndicator.FirstDimension : BenchIndicator.SecondDimension;

    private string FilteredDimension => GroupByFirst ? BenchIndicator.SecondDimension : BenchIndicator.FirstDimension;

    public string Key => $"{Year}/{Area}/{GroupedDimension}/{FilterValue}";

    public QueryStatisticsRequest Request()
    {
        var request = new QueryStatisticsRequest
        {
            IndicatorCode = Indicator.Code,
            FromPeriod = new Period { Type = PeriodType.Year, Year = Year },
            AreaCodes = { Area },
            GroupBy = { GroupedDimension },
            PageSize = 5000,
        };
        if (FilterValue is not null)
        {
            request.Filters.Add(new DimensionFilter { Dimension = FilteredDimension, Values = { FilterValue } });
        }
        return request;
    }

    public RawAggregate Raw() =>
        new(Indicator.Code, Year, Area, GroupByFirst, FilterValue is null ? null : $";{FilteredDimension}={FilterValue};");
}
