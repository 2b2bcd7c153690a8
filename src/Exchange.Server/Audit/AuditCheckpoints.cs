using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Exchange.Contracts;
using Exchange.Server.Storage;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Audit;

/// <summary>Configuration section <c>Exchange:Audit</c>: where the signed checkpoints of the audit chain go.</summary>
public sealed class AuditCheckpointOptions
{
    /// <summary>
    /// PEM ECDSA P-256 private key that signs checkpoints; generated there (mode 0600) when missing.
    /// Default <c>audit-checkpoint-key.pem</c> in the data directory. Keep it away from the database
    /// and its backups: whoever holds it can sign a rewritten chain.
    /// </summary>
    public string? CheckpointKeyPath { get; set; }

    /// <summary>
    /// The append-only file of signed checkpoints, one JSON object per line. Default
    /// <c>audit-checkpoints.jsonl</c> in the data directory. Keep a copy where the database's
    /// administrators cannot write (another host, write-once storage).
    /// </summary>
    public string? CheckpointFile { get; set; }

    /// <summary>How often the chain head is signed, when it moved. Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "CheckpointInterval must be 1 second to 1 day.")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>One signed statement: at <see cref="Time"/> the chain's event <see cref="Sequence"/> had <see cref="Hash"/>.</summary>
public sealed record AuditCheckpoint(long Sequence, string Hash, DateTimeOffset Time, string KeyId, string Signature);

/// <summary>
/// Signs the head of the audit chain with a key that is not in the database and appends it to a file
/// apart from the database: someone who rewrites the whole chain in the database, hashes included,
/// cannot make it match a checkpoint written before.
/// </summary>
public sealed class AuditCheckpoints : IDisposable
{
    private readonly ECDsa key;
    private readonly string file;
    private readonly Lock appendGate = new();

    public AuditCheckpoints(IOptions<AuditCheckpointOptions> options, IOptions<StorageOptions> storage)
    {
        var directory = storage.Value.ResolveDataDirectory();
        var keyPath = options.Value.CheckpointKeyPath ?? Path.Combine(directory, "audit-checkpoint-key.pem");
        file = options.Value.CheckpointFile ?? Path.Combine(directory, "audit-checkpoints.jsonl");
        // Created once; servers starting together on one directory all read the one that won.
        var pem = OwnerOnlyFile.ReadOrCreate(keyPath, () =>
        {
            using var generated = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return generated.ExportPkcs8PrivateKeyPem();
        });
        key = ECDsa.Create();
        key.ImportFromPem(pem);
        KeyId = AuditChain.KeyId(key);
    }

    /// <summary>The signing key's id: the first 16 hex digits of SHA-256 over its public key.</summary>
    public string KeyId { get; }

    public string FilePath => file;

    /// <summary>The public key, PEM: what an auditor needs to check the checkpoint file elsewhere.</summary>
    public string PublicKeyPem => key.ExportSubjectPublicKeyInfoPem();

    private static byte[] Statement(long sequence, string hash, DateTimeOffset time) => AuditChain.CheckpointStatement(sequence, hash, time);

    /// <summary>Signs and appends a checkpoint; flushed to disk before it returns.</summary>
    public AuditCheckpoint Append(long sequence, string hash, DateTimeOffset time)
    {
        var checkpoint = new AuditCheckpoint(sequence, hash, time, KeyId, Convert.ToBase64String(key.SignData(Statement(sequence, hash, time), HashAlgorithmName.SHA256)));
        var line = JsonSerializer.Serialize(checkpoint, JsonOptions) + "\n";
        lock (appendGate)
        {
            if (!File.Exists(file))
            {
                OwnerOnlyFile.ReadOrCreate(file, () => "");
            }
            using var stream = new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            stream.Write(Encoding.UTF8.GetBytes(line));
            stream.Flush(flushToDisk: true);
        }
        return checkpoint;
    }

    /// <summary>Every checkpoint in the file, in the order written; a line that is not one is returned as null.</summary>
    public IReadOnlyList<AuditCheckpoint?> ReadAll()
    {
        if (!File.Exists(file))
        {
            return [];
        }
        string[] lines;
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var reader = new StreamReader(stream))
        {
            lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        return [.. lines.Select(Parse)];
    }

    private static AuditCheckpoint? Parse(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<AuditCheckpoint>(line, JsonOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Whether this server's key signed the checkpoint as it stands.</summary>
    public bool IsSigned(AuditCheckpoint checkpoint)
    {
        var signature = new byte[checkpoint.Signature.Length];
        return checkpoint.KeyId == KeyId
            && Convert.TryFromBase64String(checkpoint.Signature, signature, out var length)
            && key.VerifyData(Statement(checkpoint.Sequence, checkpoint.Hash, checkpoint.Time), signature.AsSpan(0, length), HashAlgorithmName.SHA256);
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public void Dispose() => key.Dispose();
}
