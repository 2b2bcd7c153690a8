using Exchange.V1;
using Grpc.Core;

namespace Exchange.EndToEndTests;

/// <summary>A server issuing two-second tokens, to see an expired token refused.</summary>
public sealed class ShortTokenServer : ExchangeServer
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Exchange:Tokens:AccessTokenLifetime"] = "00:00:02";
            return settings;
        }
    }
}

public class ExpiredTokenTests(ShortTokenServer server) : IClassFixture<ShortTokenServer>
{
    [Fact]
    public async Task Expired_token_is_unauthenticated()
    {
        using var client = server.Demo("region-vasternorrland");
        var token = await client.Tokens.GetTokenAsync();
        using var channel = server.AnonymousChannel();
        var statistics = new StatisticsService.StatisticsServiceClient(channel);
        var headers = new Metadata { { "Authorization", $"Bearer {token.Value}" } };
        await statistics.ListIndicatorsAsync(new ListIndicatorsRequest(), headers);

        // Wait past the expiry the token itself states (exp has whole seconds).
        var expires = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token.Value).ValidTo;
        await Task.Delay(expires - DateTime.UtcNow + TimeSpan.FromSeconds(1.5));

        var error = await Assert.ThrowsAsync<RpcException>(async () => await statistics.ListIndicatorsAsync(new ListIndicatorsRequest(), headers));
        Assert.True(StatusCode.Unauthenticated == error.StatusCode, $"{error.StatusCode} at {DateTime.UtcNow:O} for a token expiring {expires:O}");
    }

    [Fact]
    public async Task Client_renews_short_lived_tokens_before_they_expire()
    {
        using var client = server.Demo("region-vasternorrland");
        var first = await client.Tokens.GetTokenAsync();
        for (var i = 0; i < 6; i++)
        {
            await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());
            await Task.Delay(500);
        }
        Assert.NotEqual(first.Value, (await client.Tokens.GetTokenAsync()).Value);
    }
}
