using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.DevIdp;

/// <summary>
/// The RSA key that signs ID tokens (RS256). Kept in the data directory so that it survives a restart
/// of the IdP: a web app that cached the JWKS, or holds an ID token it sends back as id_token_hint at
/// logout, keeps working. The file and its directory are the owner's only; one others could write or
/// read is refused rather than trusted, since whoever has it can sign in to a development web app as anyone.
/// </summary>
public sealed class SigningKey
{
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private SigningKey(RsaSecurityKey key, string path, bool created)
    {
        Key = key;
        Path = path;
        Created = created;
    }

    public RsaSecurityKey Key { get; }

    public string Path { get; }

    public bool Created { get; }

    public const string FileName = "signing-key.pem";

    public static SigningKey LoadOrCreate(string dataDirectory)
    {
        EnsureOwnerOnlyDirectory(dataDirectory);
        var path = System.IO.Path.Combine(dataDirectory, FileName);
        var created = !File.Exists(path) && TryCreate(path);
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOther) != 0)
        {
            throw new InvalidOperationException($"The signing key {path} can be read by other users; allow its owner only (chmod 600 {path}) or delete it to have a new one made.");
        }
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(File.ReadAllText(path));
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new InvalidOperationException($"The signing key {path} is not an RSA private key in PEM; delete it to have a new one made.", e);
        }
        var key = new RsaSecurityKey(rsa);
        // The key id is the key's thumbprint, so it stays the same across restarts, as the key does.
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return new SigningKey(key, path, created);
    }

    private static void EnsureOwnerOnlyDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // Under a shared /tmp somebody else may have made it first: one that others can write to could hold their key.
        if ((File.GetUnixFileMode(directory) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new InvalidOperationException($"The data directory {directory} can be written by other users; use one of your own (DevIdp:DataDirectory) or chmod 700 {directory}.");
        }
    }

    /// <summary>Writes a new key under a temporary name and moves it in place, so that an IdP starting at the same moment reads a whole key: the one that won.</summary>
    private static bool TryCreate(string path)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var file = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var rsa = RSA.Create(2048))
        using (var writer = new StreamWriter(temporary, file))
        {
            writer.Write(rsa.ExportPkcs8PrivateKeyPem());
        }
        try
        {
            File.Move(temporary, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return false;
        }
    }
}
