using Exchange.Client;
using Exchange.Contracts;
using Exchange.V1;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Exchange.VendorWorker;

/// <summary>
/// One kommun's integration, with that kommun's own client and credential: it counts the indicator
/// catalogue and the referral inbox every <see cref="WorkerOptions.Interval"/>, and watches the inbox
/// for new referrals. It logs counts and statuses only — never a referral's content or a person.
/// </summary>
public sealed partial class KommunIntegration(
    KommunOptions kommun,
    IOptions<WorkerOptions> worker,
    RoundsToGo rounds,
    IHostEnvironment environment,
    TimeProvider time,
    ILogger<KommunIntegration> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var exchange = ExchangeClient.Create(o =>
        {
            // Set first: the credential file's address is taken only when none is configured.
            o.Address = kommun.Address;
            o.UseCredentialFile(kommun.CredentialFile!);
        });
        Log.Connecting(logger, kommun.AuthorityId, exchange.Options.Address!);
        if (worker.Value.Once)
        {
            rounds.Done(await CountAsync(exchange, stoppingToken));
            return;
        }
        try
        {
            await Task.WhenAll(PollAsync(exchange, stoppingToken), WatchAsync(exchange, stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PollAsync(ExchangeClient exchange, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(worker.Value.Interval, time);
        do
        {
            await CountAsync(exchange, stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One round: the catalogue, and the inbox by status where the kommun may receive referrals.</summary>
    private async Task<bool> CountAsync(ExchangeClient exchange, CancellationToken cancellationToken)
    {
        try
        {
            var indicators = 0;
            var request = new ListIndicatorsRequest();
            do
            {
                var page = await exchange.Statistics.ListIndicatorsAsync(request, cancellationToken: cancellationToken);
                indicators += page.Indicators.Count;
                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0);
            Log.Catalogue(logger, kommun.AuthorityId, indicators);

            if (await MayReceiveAsync(exchange, cancellationToken))
            {
                var byStatus = new SortedDictionary<ReferralStatus, int>();
                await foreach (var referral in exchange.Referrals.ListAllAsync(ReferralBox.Inbox, cancellationToken: cancellationToken))
                {
                    byStatus[referral.Status] = byStatus.GetValueOrDefault(referral.Status) + 1;
                }
                Log.Inbox(logger, kommun.AuthorityId, byStatus.Values.Sum(),
                    byStatus.Count == 0 ? "none" : string.Join(", ", byStatus.Select(s => $"{s.Key}: {s.Value}")));
            }
            return true;
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            // The status says enough to act on (a revoked grant, an unreachable server); the detail holds no personal data either.
            Log.RoundFailed(logger, kommun.AuthorityId, e.StatusCode, e.Status.Detail);
            return false;
        }
        catch (ExchangeAuthenticationException e)
        {
            Log.CredentialRefused(logger, kommun.AuthorityId, e.Error);
            return false;
        }
    }

    /// <summary>Watches the inbox until stopped, resuming after a restart from the cursor saved last.</summary>
    private async Task WatchAsync(ExchangeClient exchange, CancellationToken stoppingToken)
    {
        if (!await MayReceiveAsync(exchange, stoppingToken))
        {
            Log.NotWatching(logger, kommun.AuthorityId);
            return;
        }
        var directory = worker.Value.StateDirectory is { Length: > 0 } configured ? configured : Path.Combine(environment.ContentRootPath, "state");
        Directory.CreateDirectory(directory);
        var cursorFile = Path.Combine(directory, $"{kommun.AuthorityId}.cursor");
        await exchange.Referrals.WatchReferralsAsync(new ReferralWatchOptions
        {
            LoadCursor = async ct => File.Exists(cursorFile) ? await File.ReadAllTextAsync(cursorFile, ct) : null,
            SaveCursor = async (cursor, ct) =>
            {
                // Replaced whole, so a crash mid-write leaves the previous cursor rather than half of one.
                await File.WriteAllTextAsync(cursorFile + ".new", cursor, ct);
                File.Move(cursorFile + ".new", cursorFile, overwrite: true);
            },
            Reconnecting = (e, wait) => Log.Reconnecting(logger, kommun.AuthorityId, e.StatusCode, wait),
        }, (change, _) =>
        {
            // A real integration opens a received referral here (exchange.Referrals.OpenAsync) and hands it
            // to the kommun's case system; this sample only says that something arrived.
            Log.ReferralEvent(logger, kommun.AuthorityId, change.Type, change.Referral.Status);
            return Task.CompletedTask;
        }, stoppingToken);
    }

    private static async Task<bool> MayReceiveAsync(ExchangeClient exchange, CancellationToken cancellationToken) =>
        (await exchange.Tokens.GetTokenAsync(cancellationToken)).Scopes.Contains(Scopes.ReferralsReceive);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{Kommun}: integrating with {Address}")]
        public static partial void Connecting(ILogger logger, string kommun, Uri address);

        [LoggerMessage(2, LogLevel.Information, "{Kommun}: {Indicators} indicators in the catalogue")]
        public static partial void Catalogue(ILogger logger, string kommun, int indicators);

        [LoggerMessage(3, LogLevel.Information, "{Kommun}: {Referrals} referrals in the inbox, by status: {ByStatus}")]
        public static partial void Inbox(ILogger logger, string kommun, int referrals, string byStatus);

        [LoggerMessage(4, LogLevel.Warning, "{Kommun}: the round failed with {Status}: {Detail}")]
        public static partial void RoundFailed(ILogger logger, string kommun, StatusCode status, string detail);

        [LoggerMessage(5, LogLevel.Error, "{Kommun}: the server refused the credential: {Error}")]
        public static partial void CredentialRefused(ILogger logger, string kommun, string error);

        [LoggerMessage(6, LogLevel.Information, "{Kommun}: no referrals.receive grant; the inbox is not watched")]
        public static partial void NotWatching(ILogger logger, string kommun);

        [LoggerMessage(7, LogLevel.Warning, "{Kommun}: the watch was interrupted ({Status}); reconnecting in {Wait}")]
        public static partial void Reconnecting(ILogger logger, string kommun, StatusCode status, TimeSpan wait);

        [LoggerMessage(8, LogLevel.Information, "{Kommun}: referral event {Type}, status {Status}")]
        public static partial void ReferralEvent(ILogger logger, string kommun, ReferralEventType type, ReferralStatus status);
    }
}
