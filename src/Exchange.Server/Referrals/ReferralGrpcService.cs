using Exchange.Server.Validation;
using Exchange.V1;
using Grpc.Core;

namespace Exchange.Server.Referrals;

/// <summary>
/// ReferralService on the wire. Access is enforced before any method runs (see AccessInterceptor);
/// the referral lifecycle is the referrals issue's work and answers UNIMPLEMENTED until then.
/// </summary>
[BindServiceMethod(typeof(ReferralGrpcService), nameof(BindService))]
public sealed class ReferralGrpcService : ReferralService.ReferralServiceBase
{
    public static void BindService(ServiceBinderBase binder, ReferralService.ReferralServiceBase service) =>
        ReferralService.BindService(new MalformedMessageBinder(binder), service);

    public override Task<SendReferralResponse> SendReferral(SendReferralRequest request, ServerCallContext context) => throw NotYet();

    public override Task<GetReferralResponse> GetReferral(GetReferralRequest request, ServerCallContext context) => throw NotYet();

    public override Task<ListReferralsResponse> ListReferrals(ListReferralsRequest request, ServerCallContext context) => throw NotYet();

    public override Task WatchReferrals(WatchReferralsRequest request, IServerStreamWriter<WatchReferralsResponse> responseStream, ServerCallContext context) => throw NotYet();

    public override Task<UpdateReferralStatusResponse> UpdateReferralStatus(UpdateReferralStatusRequest request, ServerCallContext context) => throw NotYet();

    public override Task<WithdrawConsentResponse> WithdrawConsent(WithdrawConsentRequest request, ServerCallContext context) => throw NotYet();

    private static RpcException NotYet() => new(new Status(StatusCode.Unimplemented, "Referrals are not available on this server yet."));
}
