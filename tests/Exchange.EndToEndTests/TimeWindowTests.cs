using Exchange.Client;
using Exchange.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Exchange.EndToEndTests;

/// <summary>
/// What happens when time passes: tokens expire and are renewed, grants begin and end, repeated
/// denials are counted per window. The server's clock is moved, so no test waits for real time; each
/// test works on an authority of its own and moves the clock only forward.
/// </summary>
public class TimeWindowTests(ClockedServer server) : IClassFixture<ClockedServer>
{
    [Fact]
    public async Task Expired_token_is_unauthenticated_and_the_client_fetches_a_new_one()
    {
        var (client, _) = await server.NewAuthorityAsync(AuthorityKind.Region, "statistics.read");
        using var _ = client;
        var token = await client.Tokens.GetTokenAsync();
        using var channel = server.AnonymousChannel();
        var statistics = new StatisticsService.StatisticsServiceClient(channel);
        var headers = new Metadata { { "Authorization", $"Bearer {token.Value}" } };
        await statistics.ListIndicatorsAsync(new ListIndicatorsRequest(), headers);

        // Past the expiry the token itself states.
        server.Clock.SetUtcNow(new JsonWebToken(token.Value).ValidTo + TimeSpan.FromSeconds(1));

        await RpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await statistics.ListIndicatorsAsync(new ListIndicatorsRequest(), headers));
        await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());
        Assert.NotEqual(token.Value, (await client.Tokens.GetTokenAsync()).Value);
    }

    [Fact]
    public async Task Client_renews_its_token_before_it_expires()
    {
        var (client, _) = await server.NewAuthorityAsync(AuthorityKind.Region, "statistics.read");
        using var _ = client;
        var first = await client.Tokens.GetTokenAsync();

        // Inside the renewal margin (a minute by default), while the first token is still valid.
        server.Clock.SetUtcNow(first.ExpiresAt - TimeSpan.FromSeconds(30));
        await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());

        Assert.NotEqual(first.Value, (await client.Tokens.GetTokenAsync()).Value);
        using var channel = server.AnonymousChannel();
        await new StatisticsService.StatisticsServiceClient(channel).ListIndicatorsAsync(new ListIndicatorsRequest(), new Metadata { { "Authorization", $"Bearer {first.Value}" } });
    }

    [Fact]
    public async Task Grant_is_refused_once_it_has_ended_also_with_a_token_issued_before()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Region);
        using var _ = client;
        using var admin = server.Operator();
        var end = server.Clock.GetUtcNow().AddMinutes(5);
        await admin.Admin.CreateGrantAsync(new CreateGrantRequest { AuthorityId = id, Scope = "statistics.read", Reason = "short agreement", ValidTo = Timestamp.FromDateTimeOffset(end) });
        var token = await client.Tokens.GetTokenAsync();
        await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());

        server.Clock.SetUtcNow(end + TimeSpan.FromSeconds(1));

        Assert.True(token.ExpiresAt > server.Clock.GetUtcNow(), "the token must outlive the grant for this test");
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest()));
        client.Tokens.Invalidate();
        Assert.Equal("invalid_scope", (await Assert.ThrowsAsync<ExchangeAuthenticationException>(async () => await client.Tokens.GetTokenAsync())).Error);
    }

    [Fact]
    public async Task Grant_that_starts_later_gives_nothing_until_it_starts()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Region);
        using var _ = client;
        using var admin = server.Operator();
        var start = server.Clock.GetUtcNow().AddMinutes(10);
        await admin.Admin.CreateGrantAsync(new CreateGrantRequest { AuthorityId = id, Scope = "statistics.read", Reason = "agreement from next week", ValidFrom = Timestamp.FromDateTimeOffset(start) });

        Assert.Equal("invalid_scope", (await Assert.ThrowsAsync<ExchangeAuthenticationException>(async () => await client.Tokens.GetTokenAsync())).Error);

        server.Clock.SetUtcNow(start + TimeSpan.FromSeconds(1));

        await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());
    }

    [Fact]
    public async Task Repeated_denials_are_one_event_at_once_and_one_count_when_the_window_ends()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Region, "statistics.read");
        using var _ = client;
        const int Denied = 25;
        for (var i = 0; i < Denied; i++)
        {
            await RpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await client.Statistics.SubmitStatisticsAsync(new SubmitStatisticsRequest()));
        }
        using var admin = server.Operator();
        async Task<List<AuditEvent>> DenialsAsync() =>
            [.. (await admin.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { ActorAuthorityId = id, PageSize = 1000 })).Events.Where(e => e.Action == "call.denied")];

        var first = Assert.Single(await DenialsAsync());
        Assert.Equal(1, first.Count);

        // The window (a minute by default) ends; the server writes the count in the background.
        server.Clock.SetUtcNow(server.Clock.GetUtcNow() + TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var events = await Eventually.ValueAsync(DenialsAsync, e => e.Count == 2);

        Assert.Equal([1, Denied - 1], events.Select(e => e.Count).Order());
    }
}
