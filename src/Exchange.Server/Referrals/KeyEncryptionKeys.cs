using System.Security.Cryptography;
using Exchange.Contracts;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Referrals;

/// <summary>
/// The key-encryption keys: the active one wraps every new data key; earlier ones only unwrap what
/// they wrapped before a rotation.
/// </summary>
public sealed class KeyEncryptionKeys
{
    /// <summary>The id of the key generated into the data directory when none is configured.</summary>
    public const string LocalKeyId = "local";

    private readonly Dictionary<string, byte[]> keys;

    public KeyEncryptionKeys(IOptions<ReferralOptions> options, IOptions<Storage.StorageOptions> storage)
    {
        var configured = options.Value;
        if (configured.KeyEncryptionKeys.Count > 0)
        {
            keys = configured.KeyEncryptionKeys.ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value), StringComparer.Ordinal);
            ActiveId = configured.ActiveKeyEncryptionKey!;
            return;
        }
        var path = Path.Combine(storage.Value.ResolveDataDirectory(), "referral-key-encryption-key");
        // Created once; servers starting together on one directory all read the one that won.
        var stored = OwnerOnlyFile.ReadOrCreate(path, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        keys = new(StringComparer.Ordinal) { [LocalKeyId] = Convert.FromBase64String(stored.Trim()) };
        ActiveId = LocalKeyId;
    }

    public string ActiveId { get; }

    public byte[] Active => keys[ActiveId];

    /// <exception cref="InvalidOperationException">The key is no longer configured.</exception>
    public byte[] Get(string id) => keys.TryGetValue(id, out var key) ? key
        : throw new InvalidOperationException($"The key-encryption key '{id}' is not configured (Exchange:Referrals:KeyEncryptionKeys); data keys it wrapped cannot be unwrapped.");
}
