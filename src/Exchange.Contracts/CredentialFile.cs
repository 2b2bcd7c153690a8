using System.Text.Json;
using System.Text.Json.Serialization;

namespace Exchange.Contracts;

/// <summary>
/// A credential file as the server writes it for the operator (on first start) and for the demo
/// authorities (in Development), and as <c>exchange-admin</c> and <c>Exchange.Client</c> read it.
/// It holds a secret or a private key: it is written readable by its owner only.
/// </summary>
public sealed record CredentialFile
{
    /// <summary>The server's gRPC address, e.g. <c>http://127.0.0.1:5080</c>.</summary>
    [JsonPropertyName("server")] public string? Server { get; init; }

    /// <summary>The authority id, which is the OAuth 2.0 client id.</summary>
    [JsonPropertyName("client_id")] public required string ClientId { get; init; }

    /// <summary>A client secret, when the credential is one.</summary>
    [JsonPropertyName("client_secret")] public string? ClientSecret { get; init; }

    /// <summary>A PEM private key (PKCS#8) for private_key_jwt, when the credential is one.</summary>
    [JsonPropertyName("private_key_pem")] public string? PrivateKeyPem { get; init; }

    /// <summary>The key id ("kid") registered for <see cref="PrivateKeyPem"/>.</summary>
    [JsonPropertyName("key_id")] public string? KeyId { get; init; }

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>Reads a credential file.</summary>
    public static CredentialFile Load(string path) =>
        JsonSerializer.Deserialize<CredentialFile>(File.ReadAllText(path), Options)
        ?? throw new InvalidDataException($"{path} is not a credential file.");

    /// <summary>Writes the file so that only its owner can read it (mode 0600 where the platform has modes), replacing it whole.</summary>
    public void Save(string path) => OwnerOnlyFile.Write(path, JsonSerializer.Serialize(this, Options));
}
