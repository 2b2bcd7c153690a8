using Exchange.Contracts;
using Exchange.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Audit;

/// <summary>What a verification found: the first broken link of the chain, and the first checkpoint it no longer matches.</summary>
public sealed record AuditVerification(
    long EventsChecked,
    long? FirstBrokenSequence,
    string? ChainProblem,
    int CheckpointsChecked,
    AuditCheckpoint? MismatchedCheckpoint,
    string? CheckpointProblem,
    AuditCheckpoint? LastCheckpoint)
{
    public bool Intact => FirstBrokenSequence is null && CheckpointProblem is null;
}

/// <summary>
/// Checks the whole audit chain in the database, then every signed checkpoint against it. The chain
/// alone shows a change, removal, insertion or reordering of events; a checkpoint also shows a chain
/// rewritten end to end, hashes included, and events removed from its end.
/// </summary>
public sealed class AuditVerifier(ExchangeDbContext db, AuditCheckpoints checkpoints)
{
    private const int Batch = 2000;

    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        var written = checkpoints.ReadAll();
        var wanted = written.OfType<AuditCheckpoint>().Select(c => c.Sequence).ToHashSet();
        var hashes = new Dictionary<long, string>();
        var walk = new AuditChainWalk();
        long after = 0;
        long last = 0;
        while (true)
        {
            var page = await db.AuditEvents.AsNoTracking().Where(e => e.Sequence > after).OrderBy(e => e.Sequence).Take(Batch).ToListAsync(cancellationToken);
            foreach (var e in page)
            {
                walk.Next(e);
                if (wanted.Contains(e.Sequence))
                {
                    hashes[e.Sequence] = e.Hash;
                }
                last = e.Sequence;
            }
            if (page.Count < Batch)
            {
                break;
            }
            after = page[^1].Sequence;
        }

        AuditCheckpoint? mismatched = null;
        string? problem = null;
        for (var line = 0; line < written.Count && problem is null; line++)
        {
            var checkpoint = written[line];
            if (checkpoint is null)
            {
                problem = $"Line {line + 1} of the checkpoint file is not a checkpoint.";
            }
            else if (!checkpoints.IsSigned(checkpoint))
            {
                (mismatched, problem) = (checkpoint, $"The checkpoint on line {line + 1} (event {checkpoint.Sequence}) is not signed by this server's checkpoint key {checkpoints.KeyId}.");
            }
            else if (!hashes.TryGetValue(checkpoint.Sequence, out var hash))
            {
                (mismatched, problem) = (checkpoint, $"The checkpoint of event {checkpoint.Sequence}, signed {checkpoint.Time:u}, names an event the chain no longer holds (it ends at event {last}): events were removed from its end.");
            }
            else if (hash != checkpoint.Hash)
            {
                (mismatched, problem) = (checkpoint, $"The checkpoint of event {checkpoint.Sequence}, signed {checkpoint.Time:u}, no longer matches: that event's hash in the database differs, so the chain up to it was rewritten.");
            }
        }
        return new AuditVerification(walk.Checked, walk.Broken, walk.Problem, written.Count, mismatched, problem, written.OfType<AuditCheckpoint>().LastOrDefault());
    }
}
