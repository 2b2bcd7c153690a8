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
        string outcome, string previousHash, string subjectAuthorityId, int count, string reason)
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
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>The bytes a checkpoint's ECDSA P-256 / SHA-256 signature covers.</summary>
    public static byte[] CheckpointStatement(long sequence, string hash, DateTimeOffset time) =>
        Encoding.UTF8.GetBytes(string.Join('\n', "exchange.audit.checkpoint.v1", sequence.ToString(CultureInfo.InvariantCulture), hash,
            time.UtcTicks.ToString(CultureInfo.InvariantCulture)));

    /// <summary>A checkpoint key's id: the first 16 hex digits of SHA-256 over its public key (SubjectPublicKeyInfo).</summary>
    public static string KeyId(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];
}
