namespace Exchange.Server.Identity;

/// <summary>Configuration section <c>Exchange:Tokens</c>.</summary>
public sealed class TokenOptions
{
    public const string Section = "Exchange:Tokens";

    /// <summary>The issuer URL; when empty, derived from each request's host.</summary>
    public string? Issuer { get; set; }

    /// <summary>Access token lifetime. Default 15 minutes.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// PEM file with the RSA private key that signs access tokens. Every replica must use the same
    /// file. When empty, a key is generated once into the data directory.
    /// </summary>
    public string? SigningKeyPath { get; set; }

    /// <summary>
    /// Base64 of 32 random bytes, the key OpenIddict encrypts its internal tokens with. Every replica
    /// must use the same value. When empty, generated once into the data directory.
    /// </summary>
    public string? EncryptionKey { get; set; }

    /// <summary>Allow the token endpoint over cleartext HTTP/2 (Development and loopback tests only).</summary>
    public bool AllowCleartext { get; set; }
}
