using System.Security.Cryptography;
using Exchange.Contracts;
using Exchange.Server.Storage;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Server.Identity;

/// <summary>
/// Loads the token signing and encryption keys from configuration, generating them once into the data
/// directory if none is configured. A key file must be readable by the server's user only and an RSA
/// key must have at least 2048 bits; otherwise the server refuses to start and says which file.
/// </summary>
internal static class TokenKeys
{
    public const int MinimumRsaBits = 2048;

    /// <summary>The signing keys: the one that signs first, then the previous ones that only validate.</summary>
    public static IReadOnlyList<RsaSecurityKey> LoadSigningKeys(TokenOptions options, string dataDirectory)
    {
        var keys = new List<RsaSecurityKey> { LoadSigningKey(options.SigningKeyPath, dataDirectory) };
        foreach (var previous in options.PreviousSigningKeyPaths.Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            keys.Add(LoadSigningKey(previous, dataDirectory));
        }
        if (keys.Select(k => k.KeyId).Distinct(StringComparer.Ordinal).Count() != keys.Count)
        {
            throw new InvalidOperationException("Exchange:Tokens:PreviousSigningKeyPaths repeats a signing key; name each key once.");
        }
        return keys;
    }

    private static RsaSecurityKey LoadSigningKey(string? configuredPath, string dataDirectory)
    {
        var path = string.IsNullOrWhiteSpace(configuredPath) ? Path.Combine(dataDirectory, "token-signing-key.pem") : Path.GetFullPath(configuredPath);
        if (string.IsNullOrWhiteSpace(configuredPath))
        {
            // Created once; servers starting together on one directory all read the one that won.
            OwnerOnlyFile.ReadOrCreate(path, () =>
            {
                using var generated = RSA.Create(3072);
                return generated.ExportPkcs8PrivateKeyPem();
            });
        }
        else if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The configured token signing key {path} does not exist.", path);
        }
        EnsureOwnerOnly(path);
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(File.ReadAllText(path));
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            throw new InvalidOperationException($"The token signing key {path} is not an RSA private key in PEM.", e);
        }
        if (rsa.KeySize < MinimumRsaBits)
        {
            throw new InvalidOperationException($"The token signing key {path} has {rsa.KeySize} bits; at least {MinimumRsaBits} are required (3072 recommended).");
        }
        var key = new RsaSecurityKey(rsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
    }

    public static SymmetricSecurityKey LoadEncryptionKey(TokenOptions options, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(options.EncryptionKey))
        {
            return new SymmetricSecurityKey(Convert.FromBase64String(options.EncryptionKey));
        }
        var path = Path.Combine(dataDirectory, "token-encryption-key");
        OwnerOnlyFile.ReadOrCreate(path, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        EnsureOwnerOnly(path);
        return new SymmetricSecurityKey(Convert.FromBase64String(File.ReadAllText(path).Trim()));
    }

    /// <summary>A key file that others can read may have been copied: refuse it rather than sign with it.</summary>
    private static void EnsureOwnerOnly(string path)
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & DataDirectory.GroupOrOther) != 0)
        {
            throw new InvalidOperationException($"The key file {path} can be read by other users; allow its owner only (chmod 600 {path}) and consider the key leaked if others could read it.");
        }
    }
}
