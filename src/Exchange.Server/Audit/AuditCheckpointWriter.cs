using Exchange.Contracts;
using Exchange.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Audit;

/// <summary>
/// Signs the chain head at a fixed interval (when it moved) and when the server stops. A head is
/// signed only over a chain that still leads, link by link, from the last checkpoint to it: a server
/// never vouches for a chain that was tampered with since.
/// </summary>
public sealed partial class AuditCheckpointWriter(
    IServiceScopeFactory scopes,
    AuditCheckpoints checkpoints,
    TimeProvider time,
    IOptions<AuditCheckpointOptions> options,
    ILogger<AuditCheckpointWriter> logger) : BackgroundService
{
    private readonly SemaphoreSlim writing = new(1, 1);
    private AuditCheckpoint? last;
    private bool lastRead;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Configuration.Intervals.RepeatAsync(time, options.Value.CheckpointInterval, WriteAsync, e => WriteFailed(logger, e), stoppingToken);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await WriteAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            WriteFailed(logger, e);
        }
    }

    /// <summary>Signs the current head unless it is already signed; returns the checkpoint written, or null.</summary>
    public async Task<AuditCheckpoint?> WriteAsync(CancellationToken cancellationToken)
    {
        await writing.WaitAsync(cancellationToken);
        try
        {
            if (!lastRead)
            {
                // The file's last line, whatever it is: a server does not sign on from an earlier
                // checkpoint past a line someone edited or forged.
                var lines = checkpoints.ReadAll();
                if (lines.Count > 0 && (lines[^1] is not { } newest || !checkpoints.IsSigned(newest)))
                {
                    CheckpointFileBroken(logger, lines.Count, checkpoints.FilePath);
                    return null;
                }
                last = lines.Count > 0 ? lines[^1] : null;
                lastRead = true;
            }
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
            var head = await db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Sequence).Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(cancellationToken);
            if (head is null || (last is not null && head.Sequence == last.Sequence && head.Hash == last.Hash))
            {
                return null;
            }
            // The first checkpoint vouches for the whole chain, so the whole chain is checked first.
            var problem = last is not null ? await BrokenSinceAsync(db, last, cancellationToken) : await BrokenAfterAsync(db, new AuditChainWalk(), cancellationToken);
            if (problem is not null)
            {
                ChainBroken(logger, last?.Sequence ?? 0, problem);
                return null;
            }
            last = checkpoints.Append(head.Sequence, head.Hash, time.GetUtcNow());
            Telemetry.ExchangeMetrics.AuditCheckpoints.Add(1);
            return last;
        }
        finally
        {
            writing.Release();
        }
    }

    /// <summary>Whether the events from the checkpoint's on no longer lead from it: what is wrong, or null.</summary>
    private static async Task<string?> BrokenSinceAsync(ExchangeDbContext db, AuditCheckpoint since, CancellationToken cancellationToken)
    {
        var signed = await db.AuditEvents.AsNoTracking().FirstOrDefaultAsync(e => e.Sequence == since.Sequence, cancellationToken);
        if (signed is null || signed.Hash != since.Hash || AuditLog.ComputeHash(signed) != signed.Hash)
        {
            return $"event {since.Sequence} is gone or no longer has the hash the checkpoint signed";
        }
        return await BrokenAfterAsync(db, new AuditChainWalk(since.Sequence, since.Hash), cancellationToken);
    }

    /// <summary>Follows the stored events after where <paramref name="walk"/> starts; the first problem, or null.</summary>
    private static async Task<string?> BrokenAfterAsync(ExchangeDbContext db, AuditChainWalk walk, CancellationToken cancellationToken)
    {
        var after = walk.Last;
        await foreach (var e in db.AuditEvents.AsNoTracking().Where(e => e.Sequence > after).OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (walk.Next(e) is { } problem)
            {
                return problem;
            }
        }
        return null;
    }

    [LoggerMessage(1, LogLevel.Critical, "The audit chain no longer leads from the checkpoint of event {Sequence} (0: the start of the chain): {Problem}. No checkpoint is written until it is resolved; run exchange-admin audit verify")]
    private static partial void ChainBroken(ILogger logger, long sequence, string problem);

    [LoggerMessage(3, LogLevel.Critical, "Line {Line} of the audit checkpoint file {File} is not a checkpoint signed by this server's key. No checkpoint is written until it is resolved; run exchange-admin audit verify")]
    private static partial void CheckpointFileBroken(ILogger logger, int line, string file);

    [LoggerMessage(2, LogLevel.Error, "Writing an audit checkpoint failed; the next interval tries again")]
    private static partial void WriteFailed(ILogger logger, Exception exception);
}
