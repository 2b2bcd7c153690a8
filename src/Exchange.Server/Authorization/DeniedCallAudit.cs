using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Exchange.Server.Audit;
using Exchange.Server.Storage;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Authorization;

/// <summary>Configuration section <c>Exchange:Audit</c>.</summary>
public sealed class DeniedCallAuditOptions
{
    public const string Section = "Exchange:Audit";

    /// <summary>Repeated denials of one authority's calls to one method within this window are one audit event with a count. Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "DenialWindow must be 1 second to 1 day.")]
    public TimeSpan DenialWindow { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Audits denied calls without letting one authority flood the chain: the first denial of an
/// authority's calls to a method in a window is written at once; the ones after it in that window
/// are counted and written as one event with their count when the window ends (or the server stops).
/// </summary>
public sealed partial class DeniedCallAudit(IServiceScopeFactory scopes, AuditLog audit, TimeProvider time, IOptions<DeniedCallAuditOptions> options, ILogger<DeniedCallAudit> logger) : BackgroundService
{
    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;
        public int Repeats;

        /// <summary>Set when its count is taken for writing: a closed window counts nothing more.</summary>
        public bool Closed;
    }

    private readonly ConcurrentDictionary<(string Authority, string Method), Window> windows = new();
    private readonly Lock unwrittenGate = new();
    private readonly List<AuditRecord> unwritten = [];

    private TimeSpan Length => options.Value.DenialWindow;

    /// <summary>Whether this denial opens a window and must be written now; otherwise it has been counted.</summary>
    public bool OpensWindow(string authorityId, string method)
    {
        var now = time.GetUtcNow();
        var key = (authorityId, method);
        while (true)
        {
            if (!windows.TryGetValue(key, out var window))
            {
                if (windows.TryAdd(key, new Window(now)))
                {
                    return true;
                }
                continue;
            }
            lock (window)
            {
                if (window.Closed)
                {
                    // Taken for writing meanwhile: look again, and open a new one.
                    continue;
                }
                if (now < window.Start + Length)
                {
                    window.Repeats++;
                    return false;
                }
                // Ended: its count goes to the next flush, and the next turn opens a new window.
                Close(key, window);
            }
        }
    }

    /// <summary>Takes a window's count for writing and removes it (under the window's lock).</summary>
    private void Close((string Authority, string Method) key, Window window)
    {
        window.Closed = true;
        windows.TryRemove(new KeyValuePair<(string, string), Window>(key, window));
        if (window.Repeats > 0)
        {
            lock (unwrittenGate)
            {
                unwritten.Add(Denied(key.Authority, key.Method) with { Count = window.Repeats });
            }
        }
    }

    /// <summary>Writes the counts of every window that has ended (all of them when <paramref name="all"/>); kept for the next flush if writing fails.</summary>
    public async Task FlushAsync(bool all, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var (key, window) in windows)
        {
            lock (window)
            {
                if (!window.Closed && (all || now >= window.Start + Length))
                {
                    Close(key, window);
                }
            }
        }
        List<AuditRecord> records;
        lock (unwrittenGate)
        {
            records = [.. unwritten];
            unwritten.Clear();
        }
        if (records.Count == 0)
        {
            return;
        }
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
            await audit.SaveWithAuditAsync(db, () => Task.FromResult<IReadOnlyList<AuditRecord>>(records), cancellationToken);
        }
        catch
        {
            lock (unwrittenGate)
            {
                unwritten.InsertRange(0, records);
            }
            throw;
        }
    }

    /// <summary>The audit record of a denied call.</summary>
    public static AuditRecord Denied(string authorityId, string method) =>
        new(authorityId, "call.denied", "rpc", method, AuditOutcomeKind.Denied) { SubjectAuthorityId = authorityId };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await Configuration.Intervals.WaitAsync(time, Length / 2, stoppingToken))
            {
                try
                {
                    await FlushAsync(all: false, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    FlushFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(all: true, cancellationToken);
    }

    [LoggerMessage(22, LogLevel.Error, "Writing the counts of repeated denied calls to the audit log failed; they are kept for the next attempt")]
    private static partial void FlushFailed(ILogger logger, Exception exception);
}
