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
        var walk = new AuditChainWalk();
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
                walk.Fail($"Line {count} of the export is not an audit event.");
                continue;
            }
            var outcome = e.Outcome == AuditOutcome.Succeeded ? "Succeeded" : "Denied";
            walk.Next(e.Sequence, e.PreviousHash, e.Hash, AuditChain.Hash(e.Sequence, e.Time.ToDateTimeOffset(), e.ActorAuthorityId, e.Action, e.TargetType,
                e.TargetId, outcome, e.PreviousHash, e.SubjectAuthorityId, e.Count, e.Reason, e.ActorMemberId));
            hashes[e.Sequence] = e.Hash;
        }

        string? checkpointProblem = null;
        if (checkpointLines.Count > 0)
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(publicKeyPem ?? throw new AdminUsageException("--public-key is needed to check checkpoints."));
            var keyId = AuditChain.KeyId(key);
            for (var i = 0; i < checkpointLines.Count && checkpointProblem is null; i++)
            {
                checkpointProblem = CheckCheckpoint(checkpointLines[i], i + 1, key, keyId, hashes, walk.Last);
            }
        }
        return new Result(count, walk.Broken, walk.Problem, checkpointLines.Count, checkpointProblem);
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
