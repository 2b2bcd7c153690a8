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
        ["Exchange:Audit:DenialWindow"] = "00:00:02",
    };
}

/// <summary>One authority cannot flood the audit log or the server, and others do not notice when it tries.</summary>
public class FloodTests(RateLimitedServer server) : IClassFixture<RateLimitedServer>
{
    [Fact]
    public async Task Repeated_denials_are_audited_as_counts_not_one_event_each()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Region, "statistics.read");
        using var _ = client;

        var denied = 0;
        for (var i = 0; i < 60; i++)
        {
            try
            {
                await client.Statistics.SubmitStatisticsAsync(new SubmitStatisticsRequest());
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.PermissionDenied or StatusCode.ResourceExhausted)
            {
                denied += e.StatusCode == StatusCode.PermissionDenied ? 1 : 0;
            }
        }

        // The first denial is written at once, the rest as one count when the two-second window ends.
        using var admin = server.Operator();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        List<AuditEvent> events;
        do
        {
            await Task.Delay(500);
            events = [.. (await admin.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { ActorAuthorityId = id, PageSize = 1000 })).Events.Where(e => e.Action == "call.denied")];
        }
        while (events.Sum(e => e.Count) < denied && DateTime.UtcNow < deadline);
        Assert.True(denied >= 10, $"only {denied} calls were denied");
        Assert.Equal(denied, events.Sum(e => e.Count));
        Assert.InRange(events.Count, 2, 4);
    }

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
