using System.ComponentModel.DataAnnotations;

namespace Exchange.Server.Referrals;

/// <summary>Configuration section <c>Exchange:Referrals</c>.</summary>
public sealed class ReferralOptions : IValidatableObject
{
    public const string Section = "Exchange:Referrals";

    /// <summary>
    /// Key-encryption keys by id: base64 of 32 random bytes each. Every referral's data key is wrapped
    /// by the active one; the others stay only to unwrap data keys wrapped before a rotation, until
    /// <c>exchange-admin referral rewrap</c> has moved them. When empty, one key is generated into the
    /// data directory (<c>referral-key-encryption-key</c>). Every replica must use the same keys.
    /// </summary>
    public Dictionary<string, string> KeyEncryptionKeys { get; set; } = [];

    /// <summary>The id of the key in <see cref="KeyEncryptionKeys"/> that wraps new data keys.</summary>
    public string? ActiveKeyEncryptionKey { get; set; }

    /// <summary>
    /// Where the referrals' data keys are kept, apart from the data so that a backup of the data holds
    /// ciphertext only. SQLite: a file of its own, by default <c>referral-keys.db</c> in the data
    /// directory. PostgreSQL: by default the schema <c>referral_keys</c> of the same database; give a
    /// connection string to keep them in another database.
    /// </summary>
    public string? KeyStoreConnectionString { get; set; }

    /// <summary>How long a completed or rejected referral keeps its personal data. Default 90 days.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00", ErrorMessage = "Retention must be 1 day to 10 years.")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (id, key) in KeyEncryptionKeys)
        {
            if (!IsKey(key))
            {
                yield return new ValidationResult($"Exchange:Referrals:KeyEncryptionKeys:{id} must be base64 of 32 bytes.", [nameof(KeyEncryptionKeys)]);
            }
        }
        if (KeyEncryptionKeys.Count > 0 && (ActiveKeyEncryptionKey is null || !KeyEncryptionKeys.ContainsKey(ActiveKeyEncryptionKey)))
        {
            yield return new ValidationResult("Exchange:Referrals:ActiveKeyEncryptionKey must name one of Exchange:Referrals:KeyEncryptionKeys.", [nameof(ActiveKeyEncryptionKey)]);
        }
    }

    private static bool IsKey(string value)
    {
        var bytes = new byte[48];
        return Convert.TryFromBase64String(value, bytes, out var written) && written == 32;
    }
}
