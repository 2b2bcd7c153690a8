using Exchange.V1;
using Grpc.Core;

namespace Exchange.EndToEndTests;

/// <summary>A server whose per-authority call rate is low enough to reach in a test.</summary>
public sealed class RateLimitedServer : ExchangeServer
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Exchange:RateLimits:CallsPerSecondPerAuthority"] = "10",
        ["Exchange:RateLimits:Burst"] = "20",
    };
}

/// <summary>One authority cannot flood the server, and others do not notice when it tries (its denials are counted: TimeWindowTests).</summary>
public class FloodTests(RateLimitedServer server) : IClassFixture<RateLimitedServer>
{
    [Fact]
    public async Task Authority_over_its_call_rate_is_resource_exhausted_and_others_are_not()
    {
        var (noisy, _) = await server.NewAuthorityAsync(AuthorityKind.Region, "statistics.read");
        var (quiet, _) = await server.NewAuthorityAsync(AuthorityKind.Region, "statistics.read");
        using var a = noisy;
        using var b = quiet;
        await noisy.Tokens.GetTokenAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 80).Select(async _ =>
        {
            try
            {
                await noisy.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        }));

        Assert.Contains(StatusCode.OK, outcomes);
        Assert.Contains(StatusCode.ResourceExhausted, outcomes);
        Assert.All(outcomes, s => Assert.True(s is StatusCode.OK or StatusCode.ResourceExhausted, s.ToString()));
        await quiet.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());
    }
}
