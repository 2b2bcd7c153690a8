namespace Exchange.Server.Telemetry;

/// <summary>
/// Lets a log line that a caller can provoke through at most <c>lines</c> times per interval, and
/// counts the ones it held back so that the next line can say how many: a flood of bad requests
/// cannot flood the log, and the log still shows that it happened.
/// </summary>
public sealed class LogThrottle(TimeProvider time, int lines, TimeSpan interval)
{
    private readonly Lock gate = new();
    private DateTimeOffset windowStart = DateTimeOffset.MinValue;
    private int logged;
    private int suppressed;

    /// <summary>Whether to write the line now; if so, <paramref name="heldBack"/> is how many were not written since the last one.</summary>
    public bool ShouldLog(out int heldBack)
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            if (now >= windowStart + interval)
            {
                windowStart = now;
                logged = 0;
            }
            if (logged < lines)
            {
                logged++;
                heldBack = suppressed;
                suppressed = 0;
                return true;
            }
            suppressed++;
            heldBack = 0;
            return false;
        }
    }
}
