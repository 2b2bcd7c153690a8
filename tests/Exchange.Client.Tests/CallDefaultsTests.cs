using Exchange.Client.Internal;
using Exchange.V1;

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
    public void Caller_chosen_request_id_is_kept()
    {
        var request = new SendReferralRequest { RequestId = "case-4711-attempt" };
        Assert.Same(request, CallDefaultsInterceptor.WithRequestId(request));
        Assert.Equal("case-4711-attempt", request.RequestId);
    }

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
    public void Retry_policy_retries_unavailable_only()
    {
        var config = RetryPolicies.Create(3);
        var policy = Assert.Single(config.MethodConfigs).RetryPolicy!;
        Assert.Equal(3, policy.MaxAttempts);
        Assert.Equal([Grpc.Core.StatusCode.Unavailable], policy.RetryableStatusCodes);
    }
}
