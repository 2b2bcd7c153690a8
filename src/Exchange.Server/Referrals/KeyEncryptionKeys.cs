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
        if (!File.Exists(path))
        {
            // Not replacing: a key another server on this directory wrote first must not be overwritten.
            try
            {
                OwnerOnlyFile.Write(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), replace: false);
            }
            catch (IOException) when (File.Exists(path))
            {
            }
        }
        keys = new(StringComparer.Ordinal) { [LocalKeyId] = Convert.FromBase64String(File.ReadAllText(path).Trim()) };
        ActiveId = LocalKeyId;
    }

    public string ActiveId { get; }

    public byte[] Active => keys[ActiveId];

    /// <exception cref="InvalidOperationException">The key is no longer configured.</exception>
    public byte[] Get(string id) => keys.TryGetValue(id, out var key) ? key
        : throw new InvalidOperationException($"The key-encryption key '{id}' is not configured (Exchange:Referrals:KeyEncryptionKeys); data keys it wrapped cannot be unwrapped.");
}
