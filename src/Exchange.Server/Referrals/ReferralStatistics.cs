using Exchange.Server.Statistics;
using Exchange.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Referrals;

/// <summary>
/// The exchange reports its own indicator, <see cref="IndicatorCode"/>: referrals per month and county
/// (the recipient's) by sender kind, recipient kind, reason category and outcome, so that the county
/// follows up the plan's second goal through QueryStatistics, under the same disclosure control as
/// every other indicator, without seeing a person. Counted from the referrals' columns only (never
/// their sealed data), and stored as reported by the first operator authority (the exchange's own,
/// created on first start): operators hold no statistics scope, so nobody reads them raw.
/// </summary>
public sealed partial class ReferralStatistics(IServiceScopeFactory scopes, TimeProvider time, ILogger<ReferralStatistics> logger) : BackgroundService
{
    public const string IndicatorCode = "exchange_referrals";

    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    public static readonly string[] SenderKinds = ["police", "region", "municipality", "shelter"];
    public static readonly string[] RecipientKinds = ["region", "municipality", "shelter"];
    public static readonly string[] Reasons = ["intimate_partner_violence", "family_violence", "honour_related_violence", "sexual_violence", "child_witness", "prostitution_and_trafficking", "other"];
    public static readonly string[] Outcomes = ["pending", "accepted", "rejected", "completed", "revoked"];

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Configuration.Intervals.RepeatAsync(time, Interval, CountAsync, e => CountFailed(logger, e), stoppingToken);

    /// <summary>Counts every month with referrals and stores the months that changed; returns how many cells it stored.</summary>
    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
        var indicator = await db.Indicators.AsNoTracking().FirstOrDefaultAsync(i => i.Code == IndicatorCode, cancellationToken);
        if (indicator is null || !indicator.Enabled)
        {
            return 0;
        }
        var areas = await db.Authorities.AsNoTracking().Select(a => new { a.Id, a.AreaCodes }).ToDictionaryAsync(a => a.Id, a => a.AreaCodes, cancellationToken);
        var referrals = await db.Referrals.AsNoTracking()
            .Select(r => new { r.RecipientId, r.SenderKind, r.RecipientKind, r.ReasonCategory, r.Status, r.CreatedAt }).ToListAsync(cancellationToken);
        var counted = referrals
            .Select(r => (County: areas.GetValueOrDefault(r.RecipientId)?.Select(a => a[..2]).FirstOrDefault(), r.CreatedAt.UtcDateTime.Year, r.CreatedAt.UtcDateTime.Month,
                Key: StoredDimensions.Format([("sender_kind", Kind(r.SenderKind)), ("recipient_kind", Kind(r.RecipientKind)), ("reason_category", Reasons[Math.Clamp(r.ReasonCategory, 1, Reasons.Length) - 1]), ("outcome", Outcome(r.Status))])))
            .Where(r => r.County is not null)
            .ToList();
        var combinations = (from s in SenderKinds from k in RecipientKinds from r in Reasons from o in Outcomes
                            select StoredDimensions.Format([("sender_kind", s), ("recipient_kind", k), ("reason_category", r), ("outcome", o)])).ToList();
        var operators = await db.Authorities.AsNoTracking().Where(a => a.Kind == PartyKind.Operator).Select(a => new { a.Id, a.CreatedAt }).ToListAsync(cancellationToken);
        if (operators.Count == 0)
        {
            return 0;
        }
        var reporter = operators.OrderBy(a => a.CreatedAt).ThenBy(a => a.Id, StringComparer.Ordinal).First().Id;
        var store = scope.ServiceProvider.GetRequiredService<StatisticsStore>();
        var stored = 0;
        // Only months whose counts changed are stored (as a correction): resubmitting an unchanged month
        // would still write a revision of every cell and recompute the year's protected table. Every
        // combination of a changed month is stored, zeros too: a count that moves (pending → accepted)
        // must leave its old cell at zero.
        foreach (var year in counted.GroupBy(r => (County: r.County!, r.Year)))
        {
            var current = (await store.CountyCellsAsync(IndicatorCode, indicator.DefinitionVersion, year.Key.Year, year.Key.County, cancellationToken))
                .ToDictionary(c => (c.PeriodNumber, c.Dimensions), c => c.Count);
            var changed = new List<ReportedCell>();
            foreach (var month in year.GroupBy(r => r.Month))
            {
                var counts = month.GroupBy(r => r.Key).ToDictionary(g => g.Key, g => (long)g.Count());
                var cells = combinations.Select(key => new ReportedCell(new CellKey(IndicatorCode, indicator.DefinitionVersion, year.Key.Year, month.Key, year.Key.County, key), counts.GetValueOrDefault(key))).ToList();
                if (cells.Any(c => current.GetValueOrDefault((c.Key.PeriodNumber, c.Key.Dimensions)) != c.Count))
                {
                    changed.AddRange(cells);
                }
            }
            if (changed.Count == 0)
            {
                continue;
            }
            var result = await store.StoreAsync(reporter, $"referrals-{Guid.CreateVersion7(time.GetUtcNow()):N}", changed, cancellationToken);
            scope.ServiceProvider.GetRequiredService<ProtectedTables>().Refresh([(IndicatorCode, indicator.DefinitionVersion, year.Key.Year, year.Key.County)]);
            stored += result.CellCount;
        }
        if (stored > 0)
        {
            Counted(logger, stored);
        }
        return stored;
    }

    private static string Kind(PartyKind kind) => kind.ToString().ToLowerInvariant();

    private static string Outcome(ReferralState state) => state switch
    {
        ReferralState.Requested or ReferralState.Received => "pending",
        _ => state.ToString().ToLowerInvariant(),
    };

    [LoggerMessage(1, LogLevel.Information, "Referral statistics: {Count} cells stored")]
    private static partial void Counted(ILogger logger, int count);

    [LoggerMessage(2, LogLevel.Error, "Counting referrals for the statistics failed; the next run tries again")]
    private static partial void CountFailed(ILogger logger, Exception exception);
}
