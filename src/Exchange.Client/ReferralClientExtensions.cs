using System.Runtime.CompilerServices;
using Exchange.Client.Internal;
using Exchange.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Client;

/// <summary>
/// Sending, reading, listing and moving referrals, and receiving referrals and receipts, without
/// building a request id, following page tokens, reconnecting or keeping a cursor by hand. Each helper
/// builds one request and makes one call of the generated client; retries are the channel's (an
/// <see cref="ExchangeClient"/> resends a call that carries a <c>request_id</c>, or reads, on UNAVAILABLE).
/// </summary>
/// <remarks>
/// A refusal is thrown as <see cref="RpcException"/>. INVALID_ARGUMENT carries a
/// <c>google.rpc.BadRequest</c> whose field violations name each field and say what is expected,
/// never its value (values are personal data); FAILED_PRECONDITION carries a
/// <c>google.rpc.PreconditionFailure</c> whose violation type says which condition failed. Read them
/// with <c>e.GetRpcStatus()?.GetDetail&lt;BadRequest&gt;()</c> (Grpc.StatusProto).
/// </remarks>
/// <example>
/// The sender, with its own case reference as the request id, so that sending again after a crash is the same referral:
/// <code>
/// var sent = await sundsvall.Referrals.SendAsync("kramfors-kommun", subject, ReasonCategory.IntimatePartnerViolence,
///     "Wants support from the social services; reachable in the mornings.", consent, requestId: "vof-2026-0412");
/// </code>
/// The recipient, taking each new referral into its case system:
/// <code>
/// await kramfors.Referrals.WatchReferralsAsync(new ReferralWatchOptions
/// {
///     LoadCursor = async ct => await store.ReadCursorAsync(ct),
///     SaveCursor = (cursor, ct) => store.WriteCursorAsync(cursor, ct),
/// }, async (change, ct) =>
/// {
///     if (change.Type == ReferralEventType.Received)
///     {
///         var opened = await kramfors.Referrals.OpenAsync(change.Referral.Id, ct); // now received
///         if (await caseSystem.TryOpenAsync(opened.Referral, ct))
///         {
///             await kramfors.Referrals.AcceptAsync(change.Referral.Id, cancellationToken: ct);
///         }
///         else
///         {
///             await kramfors.Referrals.RejectAsync(change.Referral.Id, RejectionReason.NoCapacity, cancellationToken: ct);
///         }
///     }
/// }, stopping);
/// </code>
/// The sender again, with where everything it sent stands (a rejection with its reason):
/// <code>
/// await foreach (var referral in sundsvall.Referrals.ListAllAsync(ReferralBox.Outbox))
/// {
///     Console.WriteLine($"{referral.Id} {referral.RecipientAuthorityId} {referral.Status} {referral.RejectionReason}");
/// }
/// </code>
/// </example>
public static class ReferralClientExtensions
{
    /// <summary>The largest page ListReferrals returns.</summary>
    public const int MaxPageSize = 500;

    /// <summary>
    /// Sends a referral about <paramref name="subject"/> to <paramref name="recipientAuthorityId"/>
    /// (one SendReferral call). The server checks the consent (it must name this recipient, be
    /// given, not expired, run at most a year and cover every category of data sent), seals the
    /// personal data so that only the recipient can read it, and returns the referral without it, in
    /// status requested. Under a protection level other than none, contact details are refused, not
    /// dropped: the recipient then contacts the person through the sender.
    /// </summary>
    /// <remarks>
    /// The server stores a <c>request_id</c> once: sending the same referral again with the same id
    /// returns the referral sent first, so a retry never sends twice. Within this call the channel's
    /// retries resend the same id; to be safe also across a crash or restart of your own process, pass
    /// your own stable id, e.g. your case system's reference for this referral, and send again with it.
    /// That id is kept after the referral's personal data is erased, so it must not identify the
    /// person: the server refuses an id shaped like a personnummer.
    /// </remarks>
    /// <param name="client">The referral client, e.g. <see cref="ExchangeClient.Referrals"/>.</param>
    /// <param name="recipientAuthorityId">The recipient's authority id, e.g. "kramfors-kommun"; the consent must name the same.</param>
    /// <param name="subject">The person: identifier, name, protection level and (only under no protection) contact details.</param>
    /// <param name="reasonCategory">Why the referral is sent; not <see cref="ReasonCategory.Unspecified"/>.</param>
    /// <param name="message">The message to the recipient, at most 4,000 characters; may be empty.</param>
    /// <param name="consent">The person's consent to this referral.</param>
    /// <param name="requestId">
    /// The idempotency key, 1–64 letters, digits, '-' or '_'; null (the default) for a new UUID, which
    /// protects against duplicates only within this call.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The referral as stored, without personal data: its <see cref="ReferralSummary.Id"/> is what the other helpers take.</returns>
    /// <exception cref="ArgumentException">A null or empty argument, an unspecified reason or a malformed request id; nothing was sent.</exception>
    /// <exception cref="RpcException">
    /// INVALID_ARGUMENT: field violations (e.g. <c>consent.expire_time</c> for an expired consent,
    /// <c>consent.recipient_authority_id</c> for a consent naming another recipient, <c>request_id</c>
    /// for a personnummer). NOT_FOUND: no enabled authority has this id. FAILED_PRECONDITION: the
    /// recipient does not receive referrals now, or not from authorities of the caller's kind.
    /// ALREADY_EXISTS: this request id was used for a different referral. PERMISSION_DENIED: the caller
    /// lacks referrals.send.
    /// </exception>
    public static async Task<ReferralSummary> SendAsync(this ReferralService.ReferralServiceClient client, string recipientAuthorityId, Subject subject,
        ReasonCategory reasonCategory, string message, Consent consent, string? requestId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(recipientAuthorityId);
        ArgumentNullException.ThrowIfNull(subject);
        if (reasonCategory == ReasonCategory.Unspecified)
        {
            throw new ArgumentException("A reason category is required.", nameof(reasonCategory));
        }
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(consent);
        var request = new SendReferralRequest
        {
            RequestId = RequestIds.OrNew(requestId, nameof(requestId)),
            RecipientAuthorityId = recipientAuthorityId,
            Subject = subject,
            ReasonCategory = reasonCategory,
            Message = message,
            Consent = consent,
        };
        var response = await client.SendReferralAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.Referral;
    }

    /// <summary>
    /// Reads one referral (one GetReferral call). For its recipient: the summary, the personal data
    /// (subject, message, consent) and the receipts; the server checks the consent again and audits the
    /// read, and the first read moves a requested referral to received, so calling
    /// <see cref="MarkReceivedAsync"/> after it is not needed. For its sender: the summary and the
    /// receipts only (<see cref="GetReferralResponse.Receipts"/>, one per status change, oldest first),
    /// also after the personal data is erased.
    /// </summary>
    /// <param name="client">The referral client, e.g. <see cref="ExchangeClient.Referrals"/>.</param>
    /// <param name="referralId">The referral's id (<see cref="ReferralSummary.Id"/>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The referral; for the sender, <see cref="Referral.Subject"/>, <see cref="Referral.Consent"/> are null and <see cref="Referral.Message"/> empty.</returns>
    /// <exception cref="ArgumentException">A null or empty referral id; nothing was sent.</exception>
    /// <exception cref="RpcException">
    /// NOT_FOUND: no such referral, or one neither sent by nor addressed to the caller.
    /// FAILED_PRECONDITION (recipient only): the personal data is gone, because consent was withdrawn
    /// or expired or the retention period ended; the violation type says which (CONSENT_WITHDRAWN,
    /// CONSENT_EXPIRED, RETENTION_ENDED). INVALID_ARGUMENT: the id is not a referral id.
    /// </exception>
    public static async Task<GetReferralResponse> OpenAsync(this ReferralService.ReferralServiceClient client, string referralId,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(referralId);
        return await client.GetReferralAsync(new GetReferralRequest { ReferralId = referralId }, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Lists the referrals addressed to the caller (<see cref="ReferralBox.Inbox"/>) or sent by it
    /// (<see cref="ReferralBox.Outbox"/>), newest first and without personal data, following the page
    /// tokens to the last page. Each page is one ListReferrals call, asked for only when the previous
    /// page has been consumed; a failed page throws <see cref="RpcException"/> from the enumeration.
    /// </summary>
    /// <param name="client">The referral client, e.g. <see cref="ExchangeClient.Referrals"/>.</param>
    /// <param name="box">Inbox (needs referrals.receive) or outbox (needs referrals.send).</param>
    /// <param name="status">Only referrals in this status; <see cref="ReferralStatus.Unspecified"/> (the default) for all.</param>
    /// <param name="pageSize">Referrals per call, 1 to <see cref="MaxPageSize"/>; 0 (the default) for the server's 50.</param>
    /// <param name="cancellationToken">Cancels the enumeration; so does a token given to <c>WithCancellation</c>.</param>
    /// <returns>Every referral of every page, in the server's order.</returns>
    /// <exception cref="ArgumentException">Thrown by this call, not the enumeration: an unspecified box, or a page size out of range.</exception>
    /// <exception cref="RpcException">From the enumeration: PERMISSION_DENIED when the caller lacks the box's scope; INVALID_ARGUMENT with field violations.</exception>
    public static IAsyncEnumerable<ReferralSummary> ListAllAsync(this ReferralService.ReferralServiceClient client, ReferralBox box,
        ReferralStatus status = ReferralStatus.Unspecified, int pageSize = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        // Checked now rather than at the first MoveNextAsync, so a bad argument fails where it was passed.
        if (box == ReferralBox.Unspecified)
        {
            throw new ArgumentException("Say which box: inbox or outbox.", nameof(box));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(pageSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        return FollowPagesAsync(client, new ListReferralsRequest { Box = box, Status = status, PageSize = pageSize }, cancellationToken);
    }

    private static async IAsyncEnumerable<ReferralSummary> FollowPagesAsync(ReferralService.ReferralServiceClient client, ListReferralsRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = await client.ListReferralsAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var referral in page.Referrals)
            {
                yield return referral;
            }
            if (page.NextPageToken.Length == 0)
            {
                yield break;
            }
            request = new ListReferralsRequest(request) { PageToken = page.NextPageToken };
        }
    }

    /// <summary>
    /// Records that the recipient has the referral: requested → received (one UpdateReferralStatus
    /// call). <see cref="OpenAsync"/> does this already on its first read; this is for a recipient that
    /// acknowledges a referral before reading it.
    /// </summary>
    /// <inheritdoc cref="AcceptAsync" path="/param|/returns|/exception|/remarks"/>
    public static Task<ReferralSummary> MarkReceivedAsync(this ReferralService.ReferralServiceClient client, string referralId, string? requestId = null,
        CancellationToken cancellationToken = default) =>
        UpdateStatusAsync(client, referralId, ReferralStatus.Received, RejectionReason.Unspecified, requestId, cancellationToken);

    /// <summary>
    /// Takes the referral on: received → accepted (one UpdateReferralStatus call). The sender sees the
    /// change as a receipt.
    /// </summary>
    /// <remarks>
    /// Only the recipient moves a referral, along requested → received → accepted or rejected;
    /// accepted → completed. Asking for the status the referral already has (with the same rejection
    /// reason) is taken as a retry: the referral is returned as it is and no second receipt is made.
    /// </remarks>
    /// <param name="client">The referral client, e.g. <see cref="ExchangeClient.Referrals"/>.</param>
    /// <param name="referralId">The referral's id (<see cref="ReferralSummary.Id"/>).</param>
    /// <param name="requestId">The call's <c>request_id</c>, 1–64 letters, digits, '-' or '_'; null (the default) for a new UUID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The referral after the change, without personal data.</returns>
    /// <exception cref="ArgumentException">A null or empty referral id or a malformed request id; nothing was sent.</exception>
    /// <exception cref="RpcException">
    /// FAILED_PRECONDITION: the change is not allowed from the referral's status (violation type
    /// STATUS_TRANSITION), or its personal data is gone because consent was withdrawn or expired
    /// (CONSENT_WITHDRAWN, CONSENT_EXPIRED). NOT_FOUND: no such referral, or another authority's.
    /// PERMISSION_DENIED: the caller sent the referral (only the recipient moves it) or lacks
    /// referrals.receive. INVALID_ARGUMENT: field violations, e.g. a <c>referral_id</c> that is not a referral id.
    /// </exception>
    public static Task<ReferralSummary> AcceptAsync(this ReferralService.ReferralServiceClient client, string referralId, string? requestId = null,
        CancellationToken cancellationToken = default) =>
        UpdateStatusAsync(client, referralId, ReferralStatus.Accepted, RejectionReason.Unspecified, requestId, cancellationToken);

    /// <summary>
    /// Declines the referral: received → rejected, with a reason the sender sees in its receipt (one
    /// UpdateReferralStatus call). The reason is a code, not free text, so that no personal data goes
    /// back with it.
    /// </summary>
    /// <param name="client">The referral client, e.g. <see cref="ExchangeClient.Referrals"/>.</param>
    /// <param name="referralId">The referral's id (<see cref="ReferralSummary.Id"/>).</param>
    /// <param name="reason">Why; not <see cref="RejectionReason.Unspecified"/>.</param>
    /// <param name="requestId">The call's <c>request_id</c>, 1–64 letters, digits, '-' or '_'; null (the default) for a new UUID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">A null or empty referral id, an unspecified reason or a malformed request id; nothing was sent.</exception>
    /// <inheritdoc cref="AcceptAsync" path="/returns|/exception|/remarks"/>
    public static Task<ReferralSummary> RejectAsync(this ReferralService.ReferralServiceClient client, string referralId, RejectionReason reason,
        string? requestId = null, CancellationToken cancellationToken = default) =>
        UpdateStatusAsync(client, referralId, ReferralStatus.Rejected, reason, requestId, cancellationToken);

    /// <summary>
    /// Records that the recipient has finished its work: accepted → completed (one UpdateReferralStatus
    /// call). The referral's retention period runs from here.
    /// </summary>
    /// <inheritdoc cref="AcceptAsync" path="/param|/returns|/exception|/remarks"/>
    public static Task<ReferralSummary> CompleteAsync(this ReferralService.ReferralServiceClient client, string referralId, string? requestId = null,
        CancellationToken cancellationToken = default) =>
        UpdateStatusAsync(client, referralId, ReferralStatus.Completed, RejectionReason.Unspecified, requestId, cancellationToken);

    private static async Task<ReferralSummary> UpdateStatusAsync(ReferralService.ReferralServiceClient client, string referralId, ReferralStatus status,
        RejectionReason reason, string? requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(referralId);
        if (status == ReferralStatus.Rejected && reason == RejectionReason.Unspecified)
        {
            throw new ArgumentException("A rejection reason is required.", nameof(reason));
        }
        var request = new UpdateReferralStatusRequest
        {
            RequestId = RequestIds.OrNew(requestId, nameof(requestId)),
            ReferralId = referralId,
            Status = status,
            RejectionReason = reason,
        };
        var response = await client.UpdateReferralStatusAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.Referral;
    }

    /// <summary>
    /// Records that the person withdrew consent (one WithdrawConsent call). The referral's data key is
    /// destroyed at once, so its personal data is gone, also from backups; what remains is a tombstone
    /// with ids and times, in status revoked, and both sender and recipient get the change as an event.
    /// The sender or the recipient may record it; recording it again returns the same tombstone.
    /// </summary>
    /// <param name="client">The referral client, e.g. <see cref="ExchangeClient.Referrals"/>.</param>
    /// <param name="referralId">The referral's id (<see cref="ReferralSummary.Id"/>).</param>
    /// <param name="withdrawnAt">When the person withdrew consent, not in the future; null (the default) for now.</param>
    /// <param name="requestId">The call's <c>request_id</c>, 1–64 letters, digits, '-' or '_'; null (the default) for a new UUID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tombstone: status revoked, <see cref="ReferralSummary.EraseTime"/> set.</returns>
    /// <exception cref="ArgumentException">A null or empty referral id or a malformed request id; nothing was sent.</exception>
    /// <exception cref="RpcException">
    /// NOT_FOUND: no such referral, or one neither sent by nor addressed to the caller.
    /// INVALID_ARGUMENT: field violations, e.g. <c>withdraw_time</c> in the future.
    /// </exception>
    public static async Task<ReferralSummary> WithdrawAsync(this ReferralService.ReferralServiceClient client, string referralId, DateTimeOffset? withdrawnAt = null,
        string? requestId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(referralId);
        var request = new WithdrawConsentRequest
        {
            RequestId = RequestIds.OrNew(requestId, nameof(requestId)),
            ReferralId = referralId,
            WithdrawTime = withdrawnAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
        };
        var response = await client.WithdrawConsentAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.Referral;
    }

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
