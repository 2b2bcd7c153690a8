using Exchange.Contracts;
using Exchange.Client;
using Exchange.Web.People;
using Exchange.V1;
using Grpc.Core;

namespace Exchange.Web.Referrals;

/// <summary>
/// The circuit's WatchReferrals stream: new referrals for a recipient, receipts for a sender, while
/// the circuit lives. The cursor is kept in memory only. An empty cursor replays the authority's
/// events from the oldest one held, so events about referrals last changed before the watch started
/// are taken as the replay and not announced.
/// </summary>
public sealed partial class ReferralWatch(PersonSession session, TimeProvider time, ILogger<ReferralWatch> logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private Task? running;
    private string? cursor;
    private DateTimeOffset startedAt;

    /// <summary>Referrals that arrived while this circuit watched.</summary>
    public int ArrivedSinceStart { get; private set; }

    /// <summary>Raised (on a background thread) for each event after the replay.</summary>
    public event Func<WatchReferralsResponse, Task>? Changed;

    /// <summary>Starts watching once per circuit, when the person may receive or send referrals.</summary>
    public void EnsureStarted()
    {
        if (running is not null || !(session.Has(Scopes.ReferralsReceive) || session.Has(Scopes.ReferralsSend)))
        {
            return;
        }
        startedAt = time.GetUtcNow();
        running = Task.Run(() => RunAsync(stopping.Token));
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await session.Client.Referrals.WatchReferralsAsync(new ReferralWatchOptions
            {
                LoadCursor = _ => Task.FromResult(cursor),
                SaveCursor = (c, _) =>
                {
                    cursor = c;
                    return Task.CompletedTask;
                },
                TimeProvider = time,
                Reconnecting = (e, wait) => Log.Reconnecting(logger, e.StatusCode, wait),
            }, HandleAsync, cancellationToken);
        }
        catch (RpcException e)
        {
            if (e.StatusCode == StatusCode.Unauthenticated)
            {
                session.Invalidate();
            }
            Log.Ended(logger, e.StatusCode);
        }
        catch (Exception e) when (e is ExchangeAuthenticationException or HttpRequestException or InvalidOperationException)
        {
            Log.Failed(logger, e.GetType().Name);
        }
    }

    private async Task HandleAsync(WatchReferralsResponse change, CancellationToken cancellationToken)
    {
        if (!IsLive(change, startedAt))
        {
            return;
        }
        if (change.Type == ReferralEventType.Received)
        {
            ArrivedSinceStart++;
        }
        if (Changed is { } handler)
        {
            await handler(change);
        }
    }

    /// <summary>Whether an event happened after the watch started (a small clock difference allowed), rather than being replayed.</summary>
    public static bool IsLive(WatchReferralsResponse change, DateTimeOffset startedAt)
    {
        var when = change.Referral?.UpdateTime ?? change.Referral?.CreateTime;
        return when is null || when.ToDateTimeOffset() >= startedAt - TimeSpan.FromSeconds(5);
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        if (running is not null)
        {
            try
            {
                await running;
            }
            catch (OperationCanceledException)
            {
                // stopped
            }
        }
        stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(10, LogLevel.Information, "The referral watch reconnects after {Status} in {Wait}.")]
        public static partial void Reconnecting(ILogger logger, StatusCode status, TimeSpan wait);

        [LoggerMessage(11, LogLevel.Information, "The referral watch ended: {Status}.")]
        public static partial void Ended(ILogger logger, StatusCode status);

        [LoggerMessage(12, LogLevel.Warning, "The referral watch could not run: {ExceptionType}.")]
        public static partial void Failed(ILogger logger, string exceptionType);
    }
}

public static class ReferralsExtensions
{
    public static WebApplicationBuilder AddReferrals(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ReferralWatch>();
        return builder;
    }
}
