using OpenIddict.Abstractions;

namespace Exchange.Server.Identity;

/// <summary>
/// OpenIddict keeps a row per issued token and per client assertion (the latter to refuse replays).
/// Without pruning the table grows with every token request; once a day, rows whose lifetime ended
/// more than a day ago are removed.
/// </summary>
internal sealed partial class TokenPruning(IServiceScopeFactory scopes, TimeProvider time, ILogger<TokenPruning> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
                var pruned = await tokens.PruneAsync(time.GetUtcNow() - Interval, stoppingToken);
                Pruned(logger, pruned);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                PruneFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(14, LogLevel.Information, "Pruned {Count} ended token entries")]
    private static partial void Pruned(ILogger logger, long count);

    [LoggerMessage(15, LogLevel.Warning, "Pruning token entries failed; will try again")]
    private static partial void PruneFailed(ILogger logger, Exception exception);
}
