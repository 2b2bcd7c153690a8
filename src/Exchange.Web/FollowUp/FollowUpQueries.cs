using Exchange.Client;
using Exchange.V1;
using Exchange.Web.People;
using Exchange.Web.Referrals;
using Grpc.Core;

namespace Exchange.Web.FollowUp;

/// <summary>The cells of one query, with what the server said about them.</summary>
public sealed record QueryAnswer(IReadOnlyList<ResultCell> Cells, int SuppressionThreshold, int DefinitionVersion);

/// <summary>
/// The follow-up pages' calls to the exchange, as the person: every figure comes from QueryStatistics,
/// so the server's disclosure control and the authority's grants apply to everything shown.
/// </summary>
public static class FollowUpQueries
{
    public static async Task<List<Indicator>> IndicatorsAsync(ExchangeClient client, CancellationToken cancellationToken)
    {
        var indicators = new List<Indicator>();
        var request = new ListIndicatorsRequest { PageSize = 1000 };
        do
        {
            var page = await client.Statistics.ListIndicatorsAsync(request, cancellationToken: cancellationToken);
            indicators.AddRange(page.Indicators);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        return indicators;
    }

    public static async Task<QueryAnswer> QueryAsync(ExchangeClient client, QueryStatisticsRequest request, CancellationToken cancellationToken)
    {
        var cells = new List<ResultCell>();
        var threshold = 0;
        var version = 0;
        await foreach (var page in client.Statistics.QueryPagesAsync(request, cancellationToken))
        {
            cells.AddRange(page.Cells);
            threshold = page.SuppressionThreshold;
            version = page.DefinitionVersion;
        }
        // A superseded load must not overwrite what a newer one shows.
        cancellationToken.ThrowIfCancellationRequested();
        return new QueryAnswer(cells, threshold, version);
    }

    /// <summary>
    /// The population table, or <see cref="PopulationTable.None"/> with the reason when it cannot be
    /// read: counts are shown without it, rates are not.
    /// </summary>
    public static async Task<(PopulationTable Table, string? Problem)> PopulationAsync(ExchangeClient client, int fromYear, int toYear, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.Population.ListPopulationAsync(new ListPopulationRequest { FromYear = fromYear, ToYear = toYear }, cancellationToken: cancellationToken);
            return response.Figures.Count == 0
                ? (PopulationTable.None, "Befolkningstabellen är tom, så inga tal per 10 000 invånare kan visas. En operatör lägger in SCB:s befolkningstal.")
                : (new PopulationTable(response.Figures), null);
        }
        catch (RpcException)
        {
            return (PopulationTable.None, "Befolkningstal kan inte hämtas just nu, så inga tal per 10 000 invånare kan visas. Antalen visas ändå.");
        }
    }

    /// <summary>What to show in place of a chart whose query the server refused.</summary>
    public static string Refusal(RpcException e, PersonSession session) => e.StatusCode switch
    {
        StatusCode.InvalidArgument =>
            "Exchange lämnar inte ut den här tabellen: urvalet går inte att skydda mot röjande (till exempel för många uppdelningar samtidigt, eller en finare period än indikatorn rapporteras för). Välj ett annat urval.",
        StatusCode.PermissionDenied => "Din myndighet har inte behörighet att läsa den här statistiken.",
        _ => ExchangeErrors.Describe(e, session),
    };

    /// <summary>The period types a query may use for an indicator: its reporting period or coarser.</summary>
    public static IEnumerable<PeriodType> Granularities(Indicator indicator) =>
        new[] { PeriodType.Month, PeriodType.Quarter, PeriodType.Year }.Where(t => t >= indicator.ReportingPeriod);

    public static Period First(PeriodType type, int year) => new() { Type = type, Year = year, Number = type == PeriodType.Year ? 0 : 1 };

    public static Period Last(PeriodType type, int year) => new()
    {
        Type = type, Year = year, Number = type switch { PeriodType.Month => 12, PeriodType.Quarter => 4, _ => 0 },
    };

    /// <summary>Every period of the type from the first to the last year, in order: the trend's x axis.</summary>
    public static List<Period> Range(PeriodType type, int fromYear, int toYear, DateOnly today)
    {
        var periods = new List<Period>();
        for (var year = fromYear; year <= toYear; year++)
        {
            var last = Last(type, year).Number;
            for (var number = type == PeriodType.Year ? 0 : 1; number <= last; number++)
            {
                var startMonth = type switch { PeriodType.Month => number, PeriodType.Quarter => (number - 1) * 3 + 1, _ => 1 };
                if (new DateOnly(year, startMonth, 1) <= today)
                {
                    periods.Add(new Period { Type = type, Year = year, Number = number });
                }
            }
        }
        return periods;
    }
}
