using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Exchange.Contracts;

/// <summary>
/// How an audit event is hashed into the chain and what a checkpoint signs: the server writes with
/// these, and exchange-admin checks an exported archive with the same, away from the server.
/// </summary>
public static class AuditChain
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>Hex SHA-256 over the event's fields and the previous event's hash; <paramref name="outcome"/> is "Succeeded" or "Denied".</summary>
    public static string Hash(long sequence, DateTimeOffset time, string actorAuthorityId, string action, string targetType, string targetId,
        string outcome, string previousHash, string subjectAuthorityId, int count, string reason, string actorMemberId = "")
    {
        var canonical = string.Join('\n',
            sequence.ToString(CultureInfo.InvariantCulture),
            time.UtcTicks.ToString(CultureInfo.InvariantCulture),
            actorAuthorityId, action, targetType, targetId, outcome, previousHash);
        if (subjectAuthorityId.Length > 0 || count != 1 || reason.Length > 0)
        {
            // Fields added later are appended only when set, so events written before them still
            // hash as they did. Ids never contain a line break and a reason is refused with one, so
            // the two forms cannot collide.
            canonical = string.Join('\n', canonical, subjectAuthorityId, count.ToString(CultureInfo.InvariantCulture), reason);
        }
        if (actorMemberId.Length > 0)
        {
            // The acting person came later still: an event with one always carries the fields before it,
            // so it cannot hash like an event without.
            if (subjectAuthorityId.Length == 0 && count == 1 && reason.Length == 0)
            {
                canonical = string.Join('\n', canonical, subjectAuthorityId, count.ToString(CultureInfo.InvariantCulture), reason);
            }
            canonical = string.Join('\n', canonical, "member", actorMemberId);
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>The bytes a checkpoint's ECDSA P-256 / SHA-256 signature covers.</summary>
    public static byte[] CheckpointStatement(long sequence, string hash, DateTimeOffset time) =>
        Encoding.UTF8.GetBytes(string.Join('\n', "exchange.audit.checkpoint.v1", sequence.ToString(CultureInfo.InvariantCulture), hash,
            time.UtcTicks.ToString(CultureInfo.InvariantCulture)));

    /// <summary>A checkpoint key's id: the first 16 hex digits of SHA-256 over its public key (SubjectPublicKeyInfo).</summary>
    public static string KeyId(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];
}

/// <summary>
/// Follows an audit chain one event at a time, in sequence order: each must be the next number, name
/// the hash of the one before, and hash to what it says. Remembers the first event that does not.
/// The server checks its database with it, exchange-admin an exported archive.
/// </summary>
/// <param name="afterSequence">The event the walk starts after: 0 for the chain's start, or a checkpoint's.</param>
/// <param name="afterHash">That event's hash: <see cref="AuditChain.GenesisHash"/> for the chain's start.</param>
public sealed class AuditChainWalk(long afterSequence = 0, string afterHash = AuditChain.GenesisHash)
{
    private string previous = afterHash;
    private long expected = afterSequence + 1;

    /// <summary>The first sequence number where the chain breaks; null while intact.</summary>
    public long? Broken { get; private set; }

    /// <summary>What is wrong there, in words an auditor reads (numbers only).</summary>
    public string? Problem { get; private set; }

    /// <summary>How many events were taken.</summary>
    public long Checked { get; private set; }

    /// <summary>The sequence number of the last event taken (or the one the walk started after).</summary>
    public long Last => expected - 1;

    /// <summary>Takes the next event; returns what is wrong with it, if anything (only the first problem is kept).</summary>
    /// <param name="sequence">The event's sequence number.</param>
    /// <param name="previousHash">The hash it names as its predecessor's.</param>
    /// <param name="hash">The hash it carries.</param>
    /// <param name="computedHash">The hash its fields give (<see cref="AuditChain.Hash"/>).</param>
    public string? Next(long sequence, string previousHash, string hash, string computedHash)
    {
        Checked++;
        string? problem = null;
        if (sequence != expected)
        {
            problem = sequence > expected
                ? $"Event {expected} is missing: the next event is {sequence}."
                : $"Event {sequence} is out of order, after event {expected - 1}.";
        }
        else if (previousHash != previous)
        {
            problem = $"Event {expected} does not link to the event before it: its previous hash is not that event's hash (events were removed, inserted or reordered).";
        }
        else if (computedHash != hash)
        {
            problem = $"Event {expected} was changed: its fields no longer give its hash.";
        }
        if (problem is not null)
        {
            Fail(problem);
        }
        previous = hash;
        expected = sequence + 1;
        return problem;
    }

    /// <summary>Marks the chain broken at the next expected event, for a reason found outside it (e.g. an unreadable line); the first problem is kept.</summary>
    public void Fail(string problem)
    {
        if (Broken is null)
        {
            (Broken, Problem) = (expected, problem);
        }
    }
}
