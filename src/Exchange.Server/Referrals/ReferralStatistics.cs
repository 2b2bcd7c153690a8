using System.Security.Cryptography;
using System.Text;
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        do
        {
            try
            {
                await CountAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                CountFailed(logger, e);
            }
        }
        while (await Configuration.Intervals.WaitAsync(time, Interval, stoppingToken));
    }

    /// <summary>Counts every month with referrals and stores what changed; returns how many cells it stored.</summary>
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
        var cells = new List<ReportedCell>();
        var combinations = (from s in SenderKinds from k in RecipientKinds from r in Reasons from o in Outcomes
                            select StoredDimensions.Format([("sender_kind", s), ("recipient_kind", k), ("reason_category", r), ("outcome", o)])).ToList();
        // Every combination of every month and county that has referrals, zeros included: a count that
        // moves (pending → accepted) must leave its old cell at zero.
        foreach (var month in counted.GroupBy(r => (r.County!, r.Year, r.Month)))
        {
            var counts = month.GroupBy(r => r.Key).ToDictionary(g => g.Key, g => (long)g.Count());
            cells.AddRange(combinations.Select(key => new ReportedCell(new CellKey(IndicatorCode, indicator.DefinitionVersion, month.Key.Year, month.Key.Month, month.Key.Item1, key), counts.GetValueOrDefault(key))));
        }
        if (cells.Count == 0)
        {
            return 0;
        }
        var operators = await db.Authorities.AsNoTracking().Where(a => a.Kind == PartyKind.Operator).Select(a => new { a.Id, a.CreatedAt }).ToListAsync(cancellationToken);
        if (operators.Count == 0)
        {
            return 0;
        }
        var reporter = operators.OrderBy(a => a.CreatedAt).ThenBy(a => a.Id, StringComparer.Ordinal).First().Id;
        var store = scope.ServiceProvider.GetRequiredService<StatisticsStore>();
        // Named by its content: the same counts are stored once, new counts as a correction.
        var requestId = "referrals-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', cells.Select(c => $"{c.Key}={c.Count}")))))[..40];
        var stored = await store.StoreAsync(reporter, requestId, cells, cancellationToken);
        if (!stored.Replayed)
        {
            scope.ServiceProvider.GetRequiredService<ProtectedTables>().Refresh(cells.Select(c => (c.Key.IndicatorCode, c.Key.DefinitionVersion, c.Key.Year, c.Key.AreaCode)));
            Counted(logger, stored.CellCount);
        }
        return stored.Replayed ? 0 : stored.CellCount;
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
