using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Server.Identity;

/// <summary>Loads the token signing and encryption keys from configuration, generating them once if absent.</summary>
internal static class TokenKeys
{
    public static RsaSecurityKey LoadSigningKey(TokenOptions options, string dataDirectory)
    {
        var path = string.IsNullOrWhiteSpace(options.SigningKeyPath)
            ? Path.Combine(dataDirectory, "token-signing-key.pem")
            : options.SigningKeyPath;
        var rsa = RSA.Create();
        if (File.Exists(path))
        {
            rsa.ImportFromPem(File.ReadAllText(path));
        }
        else if (string.IsNullOrWhiteSpace(options.SigningKeyPath))
        {
            rsa.KeySize = 3072;
            WriteOwnerOnly(path, rsa.ExportPkcs8PrivateKeyPem());
        }
        else
        {
            throw new FileNotFoundException("The configured Exchange:Tokens:SigningKeyPath does not exist.", path);
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
        if (!File.Exists(path))
        {
            WriteOwnerOnly(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        }
        return new SymmetricSecurityKey(Convert.FromBase64String(File.ReadAllText(path).Trim()));
    }

    private static void WriteOwnerOnly(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var writer = new StreamWriter(new FileStream(path, options));
        writer.Write(content);
    }
}
