using System.Text.Json;
using System.Text.Json.Nodes;

namespace Exchange.Server.Identity;

/// <summary>A public JSON Web Key accepted for private_key_jwt: RSA of 2048 bits or more, or EC on a NIST curve.</summary>
public sealed record PublicJwk(string KeyId, string Json)
{
    public const int MaxLength = 8192;
    private static readonly string[] PrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];
    private static readonly string[] Curves = ["P-256", "P-384", "P-521"];

    /// <summary>Parses and checks a JWK; returns null with a reason that is safe to show the caller.</summary>
    public static PublicJwk? Parse(string json, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(json) || json.Length > MaxLength)
        {
            error = $"Must be a JSON Web Key of at most {MaxLength} characters.";
            return null;
        }
        JsonObject? node;
        try
        {
            node = JsonNode.Parse(json) as JsonObject;
        }
        catch (JsonException)
        {
            node = null;
        }
        if (node is null)
        {
            error = "Must be a JSON object (a JSON Web Key).";
            return null;
        }
        if (PrivateMembers.Any(node.ContainsKey))
        {
            error = "Contains private key material; register the public key only and keep the private key with the authority.";
            return null;
        }
        var kid = (node["kid"] as JsonValue)?.TryGetValue<string>(out var k) == true ? k : null;
        if (string.IsNullOrWhiteSpace(kid) || kid.Length > 200)
        {
            error = "Must have a \"kid\" (key id) of 1–200 characters.";
            return null;
        }
        var kty = (node["kty"] as JsonValue)?.TryGetValue<string>(out var t) == true ? t : null;
        switch (kty)
        {
            case "RSA":
                var n = (node["n"] as JsonValue)?.TryGetValue<string>(out var modulus) == true ? modulus : null;
                if (n is null || node["e"] is null)
                {
                    error = "An RSA key needs \"n\" and \"e\".";
                    return null;
                }
                var bits = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(n).Length * 8;
                if (bits < 2048)
                {
                    error = "An RSA key must have at least 2048 bits.";
                    return null;
                }
                break;
            case "EC":
                var crv = (node["crv"] as JsonValue)?.TryGetValue<string>(out var c) == true ? c : null;
                if (crv is null || !Curves.Contains(crv) || node["x"] is null || node["y"] is null)
                {
                    error = "An EC key needs \"crv\" (P-256, P-384 or P-521), \"x\" and \"y\".";
                    return null;
                }
                break;
            default:
                error = "\"kty\" must be RSA or EC.";
                return null;
        }
        return new PublicJwk(kid, node.ToJsonString());
    }
}
