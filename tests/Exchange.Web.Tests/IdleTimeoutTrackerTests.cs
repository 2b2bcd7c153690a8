using Exchange.Web.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Exchange.Web.Tests;

public sealed class IdleTimeoutTrackerTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 10, 8, 0, 0, TimeSpan.Zero));

    private IdleTimeoutTracker Tracker(int minutes = 15) =>
        new(time, Options.Create(new WebOptions { IdleTimeout = TimeSpan.FromMinutes(minutes) }));

    [Fact]
    public void An_idle_circuit_expires_once_after_the_timeout()
    {
        using var tracker = Tracker();
        var expired = 0;
        tracker.Expired += () =>
        {
            expired++;
            return Task.CompletedTask;
        };
        tracker.Start();

        time.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(0, expired);
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, expired);
        time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(1, expired);
    }

    [Fact]
    public void Activity_restarts_the_idle_time()
    {
        using var tracker = Tracker();
        var expired = false;
        tracker.Expired += () =>
        {
            expired = true;
            return Task.CompletedTask;
        };
        tracker.Start();

        time.Advance(TimeSpan.FromMinutes(10));
        tracker.RecordActivity();
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.False(expired);
        time.Advance(TimeSpan.FromMinutes(6));
        Assert.True(expired);
    }

    [Fact]
    public void The_browsers_acknowledgement_of_a_server_push_is_not_activity()
    {
        using var tracker = Tracker();
        tracker.Start();
        time.Advance(TimeSpan.FromMinutes(10));

        tracker.NoteServerPush();
        time.Advance(TimeSpan.FromSeconds(1));
        tracker.RecordActivity();

        Assert.Equal(time.GetUtcNow() - TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1), tracker.LastActivity);
        time.Advance(IdleTimeoutTracker.PushAcknowledgementWindow);
        tracker.RecordActivity();
        Assert.Equal(time.GetUtcNow(), tracker.LastActivity);
    }

    [Fact]
    public void The_timer_looks_often_enough_for_a_short_timeout()
    {
        using var tracker = Tracker(minutes: 1);
        Assert.Equal(TimeSpan.FromSeconds(4), tracker.CheckInterval);
        Assert.True(Tracker(minutes: 60).CheckInterval <= TimeSpan.FromSeconds(30));
    }
}
