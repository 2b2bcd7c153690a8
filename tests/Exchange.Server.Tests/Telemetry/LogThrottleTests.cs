using Exchange.Server.Telemetry;
using Microsoft.Extensions.Time.Testing;

namespace Exchange.Server.Tests.Telemetry;

public class LogThrottleTests
{
    [Fact]
    public void Lets_the_allowed_lines_through_then_counts_the_rest_for_the_next_window()
    {
        var time = new FakeTimeProvider();
        var throttle = new LogThrottle(time, lines: 2, TimeSpan.FromMinutes(1));

        var first = Enumerable.Range(0, 5).Select(_ => throttle.ShouldLog(out var heldBack) ? heldBack : -1).ToList();
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(throttle.ShouldLog(out var reported));

        Assert.Equal([0, 0, -1, -1, -1], first);
        Assert.Equal(3, reported);
    }
}
