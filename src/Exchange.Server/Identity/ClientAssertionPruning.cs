using Exchange.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Identity;

/// <summary>
/// A used client assertion is remembered only until it expires (after that it is refused anyway), so
/// the table holds at most a few minutes of token requests: expired rows are removed every few minutes.
/// </summary>
internal sealed partial class ClientAssertionPruning(IServiceScopeFactory scopes, TimeProvider time, IOptions<TokenOptions> options, ILogger<ClientAssertionPruning> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (await Configuration.Intervals.WaitAsync(time, Interval, stoppingToken))
        {
            try
            {
                await PruneAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                PruneFailed(logger, e);
            }
        }
    }

    /// <summary>Removes the assertions that expired longer ago than the clock skew; returns how many.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
        var before = time.GetUtcNow() - options.Value.ClockSkew;
        var pruned = await db.ClientAssertions.Where(a => a.ExpiresAt < before).ExecuteDeleteAsync(cancellationToken);
        Pruned(logger, pruned);
        return pruned;
    }

    [LoggerMessage(14, LogLevel.Debug, "Removed {Count} expired client assertions")]
    private static partial void Pruned(ILogger logger, int count);

    [LoggerMessage(15, LogLevel.Warning, "Removing expired client assertions failed; will try again")]
    private static partial void PruneFailed(ILogger logger, Exception exception);
}
