using System.Security.Cryptography;
using System.Text;

namespace Exchange.Server.Referrals;

/// <summary>
/// Seals a referral's personal data under a data key of its own (AES-256-GCM), and wraps that data key
/// under a key-encryption key. Both are bound to the referral's id, so that neither a sealed payload
/// nor a wrapped key can be moved to another referral. Destroying the wrapped data key makes the
/// payload unreadable wherever copies of it are: that is how a withdrawal erases.
/// </summary>
public static class ReferralSeal
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] NewDataKey() => RandomNumberGenerator.GetBytes(32);

    /// <summary>nonce ‖ ciphertext ‖ tag.</summary>
    public static byte[] Seal(byte[] key, byte[] plaintext, string referralId, string purpose)
    {
        var sealedBytes = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize, plaintext.Length), sealedBytes.AsSpan(NonceSize + plaintext.Length), Associated(referralId, purpose));
        return sealedBytes;
    }

    /// <exception cref="AuthenticationTagMismatchException">Another key, another referral, or changed bytes.</exception>
    public static byte[] Open(byte[] key, byte[] sealedBytes, string referralId, string purpose)
    {
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            throw new AuthenticationTagMismatchException();
        }
        var plaintext = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, plaintext.Length), sealedBytes.AsSpan(NonceSize + plaintext.Length), plaintext, Associated(referralId, purpose));
        return plaintext;
    }

    private static byte[] Associated(string referralId, string purpose) => Encoding.UTF8.GetBytes($"exchange.referral/{purpose}/{referralId}");

    public const string Payload = "payload";
    public const string DataKey = "data-key";
}
