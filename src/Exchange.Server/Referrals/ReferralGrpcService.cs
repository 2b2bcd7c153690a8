using Exchange.Server.Audit;
using Exchange.Server.Authorization;
using Exchange.Server.Validation;
using Exchange.V1;
using Grpc.Core;

namespace Exchange.Server.Referrals;

/// <summary>ReferralService on the wire. Access is enforced before any method runs (see AccessInterceptor); the rules are in <see cref="ReferralDesk"/>.</summary>
[BindServiceMethod(typeof(ReferralGrpcService), nameof(BindService))]
public sealed class ReferralGrpcService(ReferralDesk desk, ReferralSignal signal, AuditReader audit, TimeProvider time) : ReferralService.ReferralServiceBase
{
    private const string CursorKind = "referral-events";

    // How often a watcher looks for events another replica stored; this server's own wake it at once.
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    public static void BindService(ServiceBinderBase binder, ReferralService.ReferralServiceBase service) =>
        ReferralService.BindService(new MalformedMessageBinder(binder), service);

    public override async Task<SendReferralResponse> SendReferral(SendReferralRequest request, ServerCallContext context) =>
        new() { Referral = (await desk.SendAsync(context.GetCaller(), request, context.CancellationToken)).ToSummary() };

    public override async Task<GetReferralResponse> GetReferral(GetReferralRequest request, ServerCallContext context)
    {
        var (referral, content, receipts) = await desk.GetAsync(context.GetCaller(), request.ReferralId, context.CancellationToken);
        var read = content ?? new Referral();
        read.Summary = referral.ToSummary();
        return new GetReferralResponse { Referral = read, Receipts = { receipts.Select(r => r.ToReceipt()) } };
    }

    public override async Task<ListReferralsResponse> ListReferrals(ListReferralsRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var v = new FieldViolations();
        v.Require(request.Box is ReferralBox.Inbox or ReferralBox.Outbox, "box", "Required: inbox or outbox.");
        v.Require(Enum.IsDefined(request.Status), "status", "One of the referral statuses, or unspecified for all.");
        Paging.CheckPageSize(v, request.PageSize, 500);
        var kind = $"referrals-{request.Box}-{request.Status}";
        var after = Paging.Decode(v, kind, request.PageToken);
        v.ThrowIfAny();
        var scope = request.Box == ReferralBox.Inbox ? Exchange.Contracts.Scopes.ReferralsReceive : Exchange.Contracts.Scopes.ReferralsSend;
        if (!caller.Has(scope))
        {
            throw new DomainException(DomainError.PermissionDenied, $"The {(request.Box == ReferralBox.Inbox ? "inbox" : "outbox")} needs {scope}.");
        }
        var (page, last) = await desk.ListAsync(caller, request.Box, request.Status, after, Paging.Size(request.PageSize, 50), context.CancellationToken);
        return new ListReferralsResponse
        {
            Referrals = { page.Select(r => r.ToSummary()) },
            NextPageToken = last is null ? "" : Paging.Encode(kind, last),
        };
    }

    public override async Task WatchReferrals(WatchReferralsRequest request, IServerStreamWriter<WatchReferralsResponse> responseStream, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var v = new FieldViolations();
        var decoded = Paging.Decode(v, CursorKind, request.Cursor, "cursor");
        var after = 0L;
        v.Require(decoded is null || (long.TryParse(decoded, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out after) && after >= 0), "cursor",
            "Not a cursor of this stream; pass a WatchReferralsResponse.cursor unchanged.");
        v.ThrowIfAny();
        // At once, so that the client (and any proxy between) knows the stream stands before the first event.
        await context.WriteResponseHeadersAsync([]);
        Telemetry.ExchangeMetrics.OpenWatches.Add(1);
        try
        {
            await WatchAsync(caller, after, responseStream, context.CancellationToken);
        }
        finally
        {
            Telemetry.ExchangeMetrics.OpenWatches.Add(-1);
        }
    }

    private async Task WatchAsync(Caller caller, long after, IServerStreamWriter<WatchReferralsResponse> responseStream, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            // Taken before reading, so that an event stored while reading wakes the next wait.
            var woken = signal.Next;
            var events = await desk.EventsAsync(caller, after, 100, cancellationToken);
            if (events.Count == 0)
            {
                try
                {
                    await Task.WhenAny(woken, Task.Delay(Poll, time, cancellationToken));
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            var referrals = await desk.FindAsync(events.Select(e => e.ReferralId), cancellationToken);
            foreach (var change in events)
            {
                // Each event as it happened: the status and time it recorded, not the referral's latest.
                var summary = referrals[change.ReferralId].ToSummary();
                summary.Status = (ReferralStatus)change.Status;
                summary.RejectionReason = (RejectionReason)change.RejectionReason;
                summary.UpdateTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(change.At);
                await responseStream.WriteAsync(new WatchReferralsResponse
                {
                    Cursor = Paging.Encode(CursorKind, change.AuthoritySequence.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    Type = change.NewReferral ? ReferralEventType.Received : ReferralEventType.StatusChanged,
                    Referral = summary,
                }, cancellationToken);
                after = change.AuthoritySequence;
            }
        }
    }

    public override async Task<UpdateReferralStatusResponse> UpdateReferralStatus(UpdateReferralStatusRequest request, ServerCallContext context) =>
        new() { Referral = (await desk.UpdateStatusAsync(context.GetCaller(), request, context.CancellationToken)).ToSummary() };

    public override async Task<WithdrawConsentResponse> WithdrawConsent(WithdrawConsentRequest request, ServerCallContext context) =>
        new() { Referral = (await desk.WithdrawAsync(context.GetCaller(), request, context.CancellationToken)).ToSummary() };

    public override async Task<ListReferralAuditEventsResponse> ListReferralAuditEvents(ListReferralAuditEventsRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var v = new FieldViolations();
        v.Require(request.ReferralId.Length == 0 || Guid.TryParse(request.ReferralId, out _), "referral_id", "Empty, or a referral id.");
        Paging.CheckPageSize(v, request.PageSize, 1000);
        // The referral is in the token's kind, so that a token of one listing is refused by another.
        var kind = $"referral-audit-{request.ReferralId}";
        var before = Paging.DecodeSequence(v, kind, request.PageToken);
        v.ThrowIfAny();
        string? referralId = null;
        if (request.ReferralId.Length > 0)
        {
            referralId = (await desk.VisibleAsync(caller, request.ReferralId, context.CancellationToken)).Id;
        }
        var (page, last) = await audit.ListReferralEventsAsync(caller.AuthorityId, referralId, before, Paging.Size(request.PageSize, 100), context.CancellationToken);
        return new ListReferralAuditEventsResponse
        {
            Events = { page.Select(e => e.ToProto()) },
            NextPageToken = last is null ? "" : Paging.Encode(kind, last.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
    }
}
