using Microsoft.Extensions.Options;

namespace Exchange.Web.Hosting;

/// <summary>
/// When the person last did something in this circuit, and whether that is longer ago than the idle
/// timeout. One per circuit. Only inbound activity counts (input, navigation, the browser's answers);
/// what the server pushes (a live referral) does not, and neither do the browser's acknowledgements of
/// the re-render it causes: for a short while after <see cref="NoteServerPush"/>, inbound activity is
/// not counted.
/// </summary>
public sealed class IdleTimeoutTracker : IDisposable
{
    /// <summary>How long after a server push the browser's acknowledgements are not taken for the person's activity.</summary>
    public static readonly TimeSpan PushAcknowledgementWindow = TimeSpan.FromSeconds(5);

    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private DateTimeOffset lastActivity;
    private DateTimeOffset ignoreUntil;
    private ITimer? timer;
    private bool expired;

    public IdleTimeoutTracker(TimeProvider time, IOptions<WebOptions> options)
    {
        this.time = time;
        Timeout = options.Value.IdleTimeout;
        lastActivity = time.GetUtcNow();
    }

    public TimeSpan Timeout { get; }

    /// <summary>Raised once, from a timer thread, when the circuit has been idle longer than <see cref="Timeout"/>.</summary>
    public event Func<Task>? Expired;

    public DateTimeOffset LastActivity
    {
        get
        {
            lock (gate)
            {
                return lastActivity;
            }
        }
    }

    public bool IsIdle => time.GetUtcNow() - LastActivity >= Timeout;

    /// <summary>How often the timer looks: a fifteenth of the timeout, between 1 and 30 seconds.</summary>
    public TimeSpan CheckInterval => TimeSpan.FromTicks(Math.Clamp(Timeout.Ticks / 15, TimeSpan.TicksPerSecond, 30 * TimeSpan.TicksPerSecond));

    public void RecordActivity()
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            if (now >= ignoreUntil && !expired)
            {
                lastActivity = now;
            }
        }
    }

    /// <summary>The server is about to re-render for something the person did not do.</summary>
    public void NoteServerPush()
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            ignoreUntil = now + PushAcknowledgementWindow;
        }
    }

    /// <summary>Starts watching; the idle time counts from now.</summary>
    public void Start()
    {
        lock (gate)
        {
            lastActivity = time.GetUtcNow();
            timer ??= time.CreateTimer(_ => Check(), null, CheckInterval, CheckInterval);
        }
    }

    private void Check()
    {
        lock (gate)
        {
            if (expired || time.GetUtcNow() - lastActivity < Timeout)
            {
                return;
            }
            expired = true;
        }
        _ = Expired?.Invoke();
    }

    public void Dispose()
    {
        lock (gate)
        {
            timer?.Dispose();
            timer = null;
        }
    }
}
