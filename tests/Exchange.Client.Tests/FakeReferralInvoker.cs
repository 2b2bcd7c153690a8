using Exchange.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Client.Tests;

/// <summary>
/// A ReferralService behind a <see cref="CallInvoker"/> for the unary calls: it records a copy of each
/// request as it was sent and answers it as the server would, with a list page looked up by its
/// page token, or with the next scripted failure.
/// </summary>
internal sealed class FakeReferralInvoker : CallInvoker
{
    /// <summary>Every request, a copy taken when it was sent, in order.</summary>
    public List<IMessage> Requests { get; } = [];

    /// <summary>The ListReferrals answer for each page token; an unknown token is INVALID_ARGUMENT.</summary>
    public Dictionary<string, ListReferralsResponse> Pages { get; } = [];

    /// <summary>Calls that fail, in order, before the fake answers again.</summary>
    public Queue<RpcException> Failures { get; } = new();

    public int Calls => Requests.Count;

    public ReferralService.ReferralServiceClient Client => new(this);

    public IEnumerable<T> Sent<T>() => Requests.OfType<T>();

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var sent = (IMessage)((IDeepCloneable<TRequest>)request).Clone();
        Requests.Add(sent);
        var response = Failures.TryDequeue(out var failure) ? Task.FromException<object>(failure) : Answer(sent);
        return new AsyncUnaryCall<TResponse>(As<TResponse>(response), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    private Task<object> Answer(IMessage request)
    {
        try
        {
            return Task.FromResult<object>(request switch
            {
                SendReferralRequest send => new SendReferralResponse { Referral = Summary("r-sent", ReferralStatus.Requested, send.RecipientAuthorityId) },
                GetReferralRequest get => new GetReferralResponse
                {
                    Referral = new Referral { Summary = Summary(get.ReferralId, ReferralStatus.Received), Message = "the message" },
                    Receipts = { new ReferralReceipt { Status = ReferralStatus.Received } },
                },
                ListReferralsRequest list => Pages.TryGetValue(list.PageToken, out var page)
                    ? page
                    : throw new RpcException(new Status(StatusCode.InvalidArgument, "bad page_token")),
                UpdateReferralStatusRequest update => new UpdateReferralStatusResponse
                {
                    Referral = new ReferralSummary(Summary(update.ReferralId, update.Status)) { RejectionReason = update.RejectionReason },
                },
                WithdrawConsentRequest withdraw => new WithdrawConsentResponse
                {
                    Referral = new ReferralSummary(Summary(withdraw.ReferralId, ReferralStatus.Revoked)) { EraseTime = Timestamp.FromDateTimeOffset(Erased) },
                },
                _ => throw new NotSupportedException(request.Descriptor.FullName),
            });
        }
        catch (RpcException e)
        {
            return Task.FromException<object>(e);
        }
    }

    public static readonly DateTimeOffset Erased = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public static ReferralSummary Summary(string id, ReferralStatus status, string recipient = "kramfors-kommun") =>
        new() { Id = id, SenderAuthorityId = "sundsvall-kommun", RecipientAuthorityId = recipient, Status = status };

    // Awaited rather than ContinueWith: the call must fail with the RpcException itself, as a real one does.
    private static async Task<T> As<T>(Task<object> response) => (T)await response;

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();
}
