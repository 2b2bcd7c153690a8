using System.Security.Cryptography;
using System.Text.Json;
using Exchange.Contracts;
using Exchange.V1;
using Google.Protobuf;

namespace Exchange.Admin.Commands;

/// <summary>
/// Checks an exported audit archive (JSON Lines from 'audit export') and, when given, a copy of the
/// server's checkpoint file with its public key, without the server: what the county does with its
/// archive copy, trusting nothing the database says.
/// </summary>
internal static class AuditArchive
{
    public sealed record Result(long Events, long? FirstBroken, string? ChainProblem, int Checkpoints, string? CheckpointProblem)
    {
        public bool Intact => FirstBroken is null && CheckpointProblem is null;
    }

    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);

    public static Result Verify(IEnumerable<string> exportLines, IReadOnlyList<string> checkpointLines, string? publicKeyPem)
    {
        var previous = AuditChain.GenesisHash;
        long expected = 1;
        long? broken = null;
        string? problem = null;
        var hashes = new Dictionary<long, string>();
        long count = 0;
        foreach (var line in exportLines.Where(l => l.Length > 0))
        {
            count++;
            AuditEvent e;
            try
            {
                e = Parser.Parse<AuditEvent>(line);
            }
            catch (InvalidProtocolBufferException)
            {
                (broken, problem) = (broken ?? expected, problem ?? $"Line {count} of the export is not an audit event.");
                continue;
            }
            var outcome = e.Outcome == AuditOutcome.Succeeded ? "Succeeded" : "Denied";
            var hash = AuditChain.Hash(e.Sequence, e.Time.ToDateTimeOffset(), e.ActorAuthorityId, e.Action, e.TargetType, e.TargetId, outcome, e.PreviousHash,
                e.SubjectAuthorityId, e.Count, e.Reason);
            string? here = null;
            if (e.Sequence != expected)
            {
                here = e.Sequence > expected ? $"Event {expected} is missing: the next event in the export is {e.Sequence}." : $"Event {e.Sequence} is out of order, after event {expected - 1}.";
            }
            else if (e.PreviousHash != previous)
            {
                here = $"Event {expected} does not link to the event before it.";
            }
            else if (hash != e.Hash)
            {
                here = $"Event {expected} was changed: its fields no longer give its hash.";
            }
            if (here is not null && broken is null)
            {
                (broken, problem) = (expected, here);
            }
            hashes[e.Sequence] = e.Hash;
            previous = e.Hash;
            expected = e.Sequence + 1;
        }

        string? checkpointProblem = null;
        if (checkpointLines.Count > 0)
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(publicKeyPem ?? throw new AdminUsageException("--public-key is needed to check checkpoints."));
            var keyId = AuditChain.KeyId(key);
            for (var i = 0; i < checkpointLines.Count && checkpointProblem is null; i++)
            {
                checkpointProblem = CheckCheckpoint(checkpointLines[i], i + 1, key, keyId, hashes, expected - 1);
            }
        }
        return new Result(count, broken, problem, checkpointLines.Count, checkpointProblem);
    }

    private static string? CheckCheckpoint(string line, int number, ECDsa key, string keyId, Dictionary<long, string> hashes, long last)
    {
        long sequence;
        string hash;
        DateTimeOffset time;
        byte[] signature;
        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            sequence = root.GetProperty("sequence").GetInt64();
            hash = root.GetProperty("hash").GetString()!;
            time = root.GetProperty("time").GetDateTimeOffset();
            signature = Convert.FromBase64String(root.GetProperty("signature").GetString()!);
            if (root.GetProperty("keyId").GetString() != keyId)
            {
                return $"The checkpoint on line {number} was signed by another key than the one given.";
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            return $"Line {number} of the checkpoint file is not a checkpoint.";
        }
        if (!key.VerifyData(AuditChain.CheckpointStatement(sequence, hash, time), signature, HashAlgorithmName.SHA256))
        {
            return $"The checkpoint on line {number} (event {sequence}) is not signed by the key given.";
        }
        if (!hashes.TryGetValue(sequence, out var stored))
        {
            return $"The checkpoint of event {sequence}, signed {time:u}, names an event the export does not hold (it ends at event {last}).";
        }
        return stored != hash ? $"The checkpoint of event {sequence}, signed {time:u}, no longer matches: the export's event has another hash." : null;
    }
}
