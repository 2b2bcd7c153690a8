using Exchange.Client.Internal;
using Exchange.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Exchange.Client.Tests;

public class CallDefaultsTests
{
    [Fact]
    public void Empty_request_id_is_filled_in_a_copy_leaving_the_callers_request_unchanged()
    {
        var request = new SubmitStatisticsRequest { Cells = { new Cell { IndicatorCode = "x", Count = 3 } } };

        var first = CallDefaultsInterceptor.WithRequestId(request);
        var second = CallDefaultsInterceptor.WithRequestId(request);

        Assert.Equal("", request.RequestId);
        Assert.True(Guid.TryParse(first.RequestId, out _));
        Assert.NotEqual(first.RequestId, second.RequestId);
        Assert.Equal(request.Cells, first.Cells);
    }

    [Fact]
    public async Task Call_goes_out_with_the_callers_request_id_and_deadline_untouched()
    {
        var deadline = DateTime.UtcNow.AddSeconds(7);
        var sent = await SendThroughInterceptor(new SendReferralRequest { RequestId = "case-4711-attempt" }, new CallOptions(deadline: deadline));

        Assert.Equal("case-4711-attempt", sent.Request.RequestId);
        Assert.Equal(deadline, sent.Options.Deadline);
    }

    [Fact]
    public async Task Call_without_id_or_deadline_goes_out_with_a_new_id_and_the_default_deadline()
    {
        var request = new SendReferralRequest();
        var before = DateTime.UtcNow;
        var sent = await SendThroughInterceptor(request, new CallOptions());
        var after = DateTime.UtcNow;

        Assert.True(Guid.TryParse(sent.Request.RequestId, out _));
        Assert.Equal("", request.RequestId);
        Assert.InRange(sent.Options.Deadline!.Value, before + DefaultDeadline, after + DefaultDeadline);
    }

    [Theory]
    [InlineData(StatusCode.Unauthenticated, true)]
    [InlineData(StatusCode.PermissionDenied, false)]
    [InlineData(StatusCode.Unavailable, false)]
    public async Task Only_unauthenticated_answers_drop_the_cached_tokens(StatusCode status, bool dropped)
    {
        var invalidated = false;
        var interceptor = new CallDefaultsInterceptor(DefaultDeadline, () => invalidated = true);
        var call = interceptor.AsyncUnaryCall(new GetAuthorityRequest(), Context<GetAuthorityRequest, Authority>(new CallOptions()),
            (_, _) => new AsyncUnaryCall<Authority>(Task.FromException<Authority>(new RpcException(new Status(status, "refused"))),
                Task.FromResult(new Metadata()), () => new Status(status, "refused"), () => [], () => { }));

        Assert.Equal(status, (await Assert.ThrowsAsync<RpcException>(async () => await call)).StatusCode);
        Assert.Equal(dropped, invalidated);
    }

    private static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(30);

    private static async Task<(TRequest Request, CallOptions Options)> SendThroughInterceptor<TRequest>(TRequest request, CallOptions options)
        where TRequest : class
    {
        var interceptor = new CallDefaultsInterceptor(DefaultDeadline, () => { });
        (TRequest, CallOptions) sent = default;
        var call = interceptor.AsyncUnaryCall(request, Context<TRequest, Authority>(options), (r, c) =>
        {
            sent = (r, c.Options);
            return new AsyncUnaryCall<Authority>(Task.FromResult(new Authority()), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        });
        await call;
        return sent;
    }

    private static ClientInterceptorContext<TRequest, TResponse> Context<TRequest, TResponse>(CallOptions options)
        where TRequest : class
        where TResponse : class =>
        new(new Method<TRequest, TResponse>(MethodType.Unary, "exchange.v1.Test", "Call",
            Marshallers.Create<TRequest>(_ => [], _ => null!), Marshallers.Create<TResponse>(_ => [], _ => null!)), null, options);

    [Fact]
    public void Messages_without_request_id_are_passed_as_they_are()
    {
        var request = new GetAuthorityRequest { AuthorityId = "x" };
        Assert.Same(request, CallDefaultsInterceptor.WithRequestId(request));
    }

    [Fact]
    public void Only_idempotent_calls_are_retried()
    {
        var retried = RetryPolicies.IdempotentMethods().Select(m => m.Name).ToHashSet();

        Assert.Contains("SubmitStatistics", retried);
        Assert.Contains("SendReferral", retried);
        Assert.Contains("WithdrawConsent", retried);
        Assert.Contains("GetAuthority", retried);
        Assert.Contains("QueryStatistics", retried);
        Assert.DoesNotContain("AddSecretCredential", retried);
        Assert.DoesNotContain("CreateAuthority", retried);
        Assert.DoesNotContain("CreateGrant", retried);
        Assert.DoesNotContain("UploadStatistics", retried);
        Assert.DoesNotContain("WatchReferrals", retried);
    }

    [Fact]
    public void Only_unary_idempotent_methods_are_retried_by_the_interceptor()
    {
        Assert.True(RetryPolicies.IsIdempotent(Method(MethodType.Unary, "exchange.v1.StatisticsService", "SubmitStatistics")));
        Assert.True(RetryPolicies.IsIdempotent(Method(MethodType.Unary, "exchange.v1.AdminService", "GetAuthority")));
        Assert.False(RetryPolicies.IsIdempotent(Method(MethodType.Unary, "exchange.v1.AdminService", "CreateAuthority")));
        Assert.False(RetryPolicies.IsIdempotent(Method(MethodType.ClientStreaming, "exchange.v1.StatisticsService", "UploadStatistics")));
    }

    private static Method<Authority, Authority> Method(MethodType type, string service, string name) =>
        new(type, service, name, Marshallers.Create<Authority>(_ => [], _ => null!), Marshallers.Create<Authority>(_ => [], _ => null!));
}
