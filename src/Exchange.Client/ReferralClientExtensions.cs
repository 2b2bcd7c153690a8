using Exchange.Client.Internal;
using Exchange.V1;
using Grpc.Core;

namespace Exchange.Client;

/// <summary>Receiving referrals and receipts without writing the reconnection and the bookkeeping of a cursor by hand.</summary>
/// <example>
/// <code>
/// await kramfors.Referrals.WatchReferralsAsync(new ReferralWatchOptions
/// {
///     LoadCursor = async ct => await store.ReadCursorAsync(ct),
///     SaveCursor = (cursor, ct) => store.WriteCursorAsync(cursor, ct),
/// }, async (change, ct) =>
/// {
///     if (change.Type == ReferralEventType.Received)
///     {
///         var referral = await kramfors.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = change.Referral.Id }, cancellationToken: ct);
///         await caseSystem.OpenAsync(referral.Referral, ct);
///     }
/// }, stopping);
/// </code>
/// </example>
public static class ReferralClientExtensions
{
    /// <summary>
    /// Watches the caller's referral events until <paramref name="cancellationToken"/> is cancelled:
    /// new referrals for a recipient, receipts (status changes) for a sender. Each event goes to
    /// <paramref name="handle"/>, in order, and then its cursor to <see cref="ReferralWatchOptions.SaveCursor"/>.
    /// A disconnect the server may recover from (UNAVAILABLE, a broken stream, a restart) is retried
    /// from the last cursor after a back-off, so nothing is missed and nothing is handled twice within
    /// one watch. A refusal (PERMISSION_DENIED, INVALID_ARGUMENT for a cursor of another stream, …) and
    /// an exception from <paramref name="handle"/> end the watch and are thrown.
    /// </summary>
    /// <param name="client">The referral client, e.g. <see cref="ExchangeClient.Referrals"/>.</param>
    /// <param name="options">Where the cursor is loaded from and saved to; how to wait after a disconnect.</param>
    /// <param name="handle">Called for each event; the next event waits until it returns.</param>
    /// <param name="cancellationToken">Stops watching; the returned task then completes without an exception.</param>
    public static async Task WatchReferralsAsync(this ReferralService.ReferralServiceClient client, ReferralWatchOptions options,
        Func<WatchReferralsResponse, CancellationToken, Task> handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handle);
        options.Validate();
        var cursor = await options.LoadCursor(cancellationToken).ConfigureAwait(false) ?? "";
        var backoff = options.InitialBackoff;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var call = client.WatchReferrals(new WatchReferralsRequest { Cursor = cursor }, cancellationToken: cancellationToken);
                while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
                {
                    var change = call.ResponseStream.Current;
                    await handle(change, cancellationToken).ConfigureAwait(false);
                    await options.SaveCursor(change.Cursor, cancellationToken).ConfigureAwait(false);
                    cursor = change.Cursor;
                    backoff = options.InitialBackoff;
                }
                // The server ended the stream (it is shutting down): reconnect as after a disconnect.
                throw new RpcException(new Status(StatusCode.Unavailable, "The server ended the watch."));
            }
            catch (RpcException e) when (cancellationToken.IsCancellationRequested && e.StatusCode == StatusCode.Cancelled)
            {
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException e) when (TransientFailures.IsTransient(e) || e.StatusCode == StatusCode.Unavailable)
            {
                options.Reconnecting?.Invoke(e, backoff);
                try
                {
                    await Task.Delay(backoff, options.TimeProvider, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = TimeSpan.FromTicks(Math.Min(options.MaxBackoff.Ticks, Math.Max(backoff.Ticks * 2, TimeSpan.FromSeconds(1).Ticks)));
            }
        }
    }
}
