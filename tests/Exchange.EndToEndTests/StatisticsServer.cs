using Exchange.Client;
using Exchange.V1;

namespace Exchange.EndToEndTests;

/// <summary>Helpers for statistics tests: each test makes its own indicator and reporters, so it owns every cell it reads.</summary>
public static class StatisticsTestData
{
    /// <summary>An indicator of its own for a test: dimensions "sex" (female, male) and "age" (young, middle, old) unless given.</summary>
    public static async Task<Indicator> NewIndicatorAsync(this ExchangeServer server, AuthorityKind reporter, PeriodType period = PeriodType.Quarter,
        AreaLevel level = AreaLevel.Municipality, int threshold = 0, int maxCrossed = 0, params Dimension[] dimensions)
    {
        using var admin = server.Operator();
        var indicator = new Indicator
        {
            Code = $"t_{Guid.NewGuid():N}"[..24],
            Name = "Test indicator",
            Goal = PlanGoal.DetectionAndProtection,
            Unit = "persons",
            ReporterKinds = { reporter },
            ReportingPeriod = period,
            ReportingLevel = level,
            SuppressionThreshold = threshold,
            MaxCrossedDimensions = maxCrossed,
            Dimensions =
            {
                dimensions.Length > 0 ? dimensions :
                [
                    new Dimension { Code = "sex", Name = "Sex", Values = { "female", "male" } },
                    new Dimension { Code = "age", Name = "Age", Values = { "young", "middle", "old" } },
                ],
            },
        };
        return (await admin.Admin.CreateIndicatorAsync(new CreateIndicatorRequest { Indicator = indicator })).Indicator;
    }

    public static Cell Cell(this Indicator indicator, Period period, string area, long count, params string[] values) => new()
    {
        IndicatorCode = indicator.Code,
        Period = period,
        AreaCode = area,
        Count = count,
        Dimensions = { indicator.Dimensions.Select((d, i) => new DimensionValue { Dimension = d.Code, Value = values[i] }) },
    };

    /// <summary>Every combination of the indicator's dimension values.</summary>
    public static IEnumerable<string[]> Combinations(this Indicator indicator) =>
        indicator.Dimensions.Aggregate((IEnumerable<string[]>)[[]], (acc, d) => acc.SelectMany(a => d.Values.Select(v => (string[])[.. a, v])));

    public static Period Quarter(int year, int quarter) => new() { Type = PeriodType.Quarter, Year = year, Number = quarter };

    public static Period Year(int year) => new() { Type = PeriodType.Year, Year = year };

    public static Task<SubmitStatisticsResponse> SubmitAsync(this ExchangeClient client, params Cell[] cells) =>
        client.Statistics.SubmitStatisticsAsync(new SubmitStatisticsRequest { RequestId = Guid.NewGuid().ToString(), Cells = { cells } }).ResponseAsync;

    /// <summary>Every page of a query.</summary>
    public static async Task<List<ResultCell>> QueryEveryPageAsync(this ExchangeClient client, QueryStatisticsRequest request)
    {
        var cells = new List<ResultCell>();
        var query = request.Clone();
        do
        {
            var page = await client.Statistics.QueryStatisticsAsync(query);
            cells.AddRange(page.Cells);
            query.PageToken = page.NextPageToken;
        }
        while (query.PageToken.Length > 0);
        return cells;
    }
}
