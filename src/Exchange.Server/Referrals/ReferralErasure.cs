using Exchange.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Referrals;

/// <summary>
/// Erases, every minute of the server's clock, the personal data of referrals whose consent has expired
/// and of closed referrals past their retention period. Reads check expiry themselves as well, so a
/// referral is never handed out between an expiry and the next sweep.
/// </summary>
public sealed partial class ReferralErasure(IServiceScopeFactory scopes, IOptions<ReferralOptions> options, TimeProvider time, ILogger<ReferralErasure> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Configuration.Intervals.RepeatAsync(time, Interval, SweepAsync, e => SweepFailed(logger, e), stoppingToken);

    /// <summary>One sweep; returns how many referrals it erased.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
        var desk = scope.ServiceProvider.GetRequiredService<ReferralDesk>();
        var now = time.GetUtcNow();
        var closedBefore = now - options.Value.Retention;
        var due = await db.Referrals.AsNoTracking()
            .Where(r => r.ErasedAt == null && (r.ConsentExpiresAt <= now || (r.ClosedAt != null && r.ClosedAt <= closedBefore)))
            .Select(r => new { r.Id, r.ConsentExpiresAt }).ToListAsync(cancellationToken);
        foreach (var referral in due)
        {
            await desk.EraseAsync(referral.Id, referral.ConsentExpiresAt <= now ? ErasureCause.ConsentExpired : ErasureCause.RetentionEnded, "exchange", cancellationToken);
        }
        Telemetry.ExchangeMetrics.ErasureSweeps.Add(1);
        if (due.Count > 0)
        {
            Erased(logger, due.Count);
        }
        return due.Count;
    }

    [LoggerMessage(1, LogLevel.Information, "Erased the personal data of {Count} referrals whose consent expired or whose retention period ended")]
    private static partial void Erased(ILogger logger, int count);

    [LoggerMessage(2, LogLevel.Error, "Erasing expired referrals failed; the next sweep tries again")]
    private static partial void SweepFailed(ILogger logger, Exception exception);
}
