using System.Net;
using Exchange.Server.Identity;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Exchange.Server.Tests.Identity;

public class ClientAuthenticationThrottleTests
{
    private static readonly IPAddress Address = IPAddress.Parse("192.0.2.10");
    private static readonly IPAddress Elsewhere = IPAddress.Parse("198.51.100.7");
    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-11-30T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private ClientAuthenticationThrottle Throttle(int perClient, int perAddress) =>
        new(Options.Create(new TokenOptions { FailureThrottle = new FailureThrottleOptions { PerClient = perClient, PerAddress = perAddress, Window = TimeSpan.FromMinutes(5) } }), time);

    private static IReadOnlyList<string> Fail(ClientAuthenticationThrottle throttle, IPAddress address, params string[] clientIds)
    {
        Assert.Null(throttle.TryBegin(clientIds, address));
        return throttle.End(clientIds, address, failed: true);
    }

    [Fact]
    public void Client_id_waits_once_its_failures_reach_the_limit_and_only_it()
    {
        var throttle = Throttle(perClient: 3, perAddress: 100);

        Assert.Empty(Fail(throttle, Address, "ange-kommun"));
        Assert.Empty(Fail(throttle, Address, "ange-kommun"));
        Assert.Equal(["ange-kommun"], Fail(throttle, Address, "ange-kommun"));

        Assert.Equal(TimeSpan.FromMinutes(5), throttle.TryBegin(["ange-kommun"], Elsewhere));
        Assert.Null(throttle.TryBegin(["timra-kommun"], Address));
    }

    [Fact]
    public void A_decoy_beside_the_real_client_id_does_not_spare_it()
    {
        var throttle = Throttle(perClient: 2, perAddress: 100);
        Fail(throttle, Address, "decoy-1", "timra-kommun");
        Fail(throttle, Elsewhere, "decoy-2", "timra-kommun");

        Assert.NotNull(throttle.TryBegin(["decoy-3", "timra-kommun"], IPAddress.Loopback));
        Assert.NotNull(throttle.TryBegin(["timra-kommun"], IPAddress.Loopback));
    }

    [Fact]
    public void Address_waits_once_its_failures_reach_the_limit_whatever_client_it_names()
    {
        var throttle = Throttle(perClient: 100, perAddress: 3);
        for (var i = 0; i < 3; i++)
        {
            Fail(throttle, Address, $"guess-{i}");
        }

        Assert.NotNull(throttle.TryBegin([], Address));
        Assert.NotNull(throttle.TryBegin(["sundsvall-kommun"], Address));
        Assert.Null(throttle.TryBegin(["sundsvall-kommun"], Elsewhere));
    }

    [Fact]
    public void Attempts_under_way_count_so_concurrent_guesses_cannot_outrun_the_limit()
    {
        var throttle = Throttle(perClient: 2, perAddress: 100);
        Assert.Null(throttle.TryBegin(["a"], Address));
        Assert.Null(throttle.TryBegin(["a"], Elsewhere));

        Assert.NotNull(throttle.TryBegin(["a"], IPAddress.Loopback));

        // A success gives its place back.
        throttle.End(["a"], Address, failed: false);
        Assert.Null(throttle.TryBegin(["a"], IPAddress.Loopback));
    }

    [Fact]
    public void Reaching_the_limit_is_reported_once_per_window_and_the_window_ends()
    {
        var throttle = Throttle(perClient: 2, perAddress: 100);
        Assert.Equal([0, 1], new[] { Fail(throttle, Address, "a").Count, Fail(throttle, Elsewhere, "a").Count });
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(TimeSpan.FromMinutes(3), throttle.TryBegin(["a"], Address));

        time.Advance(TimeSpan.FromMinutes(3));

        Assert.Equal([0, 1], new[] { Fail(throttle, Address, "a").Count, Fail(throttle, Address, "a").Count });
    }
}
