using Exchange.Client.Internal;
using Exchange.V1;

namespace Exchange.Client.Tests;

public class CallDefaultsTests
{
    [Fact]
    public void Empty_request_id_is_filled_once_and_kept()
    {
        var request = new SubmitStatisticsRequest();
        CallDefaultsInterceptor.EnsureRequestId(request);
        var first = request.RequestId;
        CallDefaultsInterceptor.EnsureRequestId(request);

        Assert.True(Guid.TryParse(first, out _));
        Assert.Equal(first, request.RequestId);
    }

    [Fact]
    public void Caller_chosen_request_id_is_not_replaced()
    {
        var request = new SendReferralRequest { RequestId = "case-4711-attempt" };
        CallDefaultsInterceptor.EnsureRequestId(request);
        Assert.Equal("case-4711-attempt", request.RequestId);
    }

    [Fact]
    public void Messages_without_request_id_are_untouched()
    {
        var request = new GetAuthorityRequest { AuthorityId = "x" };
        CallDefaultsInterceptor.EnsureRequestId(request);
        Assert.Equal(new GetAuthorityRequest { AuthorityId = "x" }, request);
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
    public void Retry_policy_retries_unavailable_only()
    {
        var config = RetryPolicies.Create(3);
        var policy = Assert.Single(config.MethodConfigs).RetryPolicy!;
        Assert.Equal(3, policy.MaxAttempts);
        Assert.Equal([Grpc.Core.StatusCode.Unavailable], policy.RetryableStatusCodes);
    }
}
