using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Server.Identity;

/// <summary>A public JSON Web Key accepted for private_key_jwt: RSA of 2048 bits or more, or EC on a NIST curve.</summary>
public sealed record PublicJwk(string KeyId, string Json)
{
    public const int MaxLength = 8192;
    private static readonly string[] PrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];
    private static readonly Dictionary<string, ECCurve> Curves = new(StringComparer.Ordinal)
    {
        ["P-256"] = ECCurve.NamedCurves.nistP256,
        ["P-384"] = ECCurve.NamedCurves.nistP384,
        ["P-521"] = ECCurve.NamedCurves.nistP521,
    };

    /// <summary>Parses and checks a JWK; returns null with a reason that is safe to show the caller. Never throws on bad input.</summary>
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
            // Duplicate members are refused: two readers of one key could otherwise see two keys.
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject;
        }
        catch (JsonException)
        {
            node = null;
        }
        if (node is null)
        {
            error = "Must be a JSON object (a JSON Web Key), each member once.";
            return null;
        }
        if (PrivateMembers.Any(node.ContainsKey))
        {
            error = "Contains private key material; register the public key only and keep the private key with the authority.";
            return null;
        }
        var kid = Text(node, "kid");
        if (string.IsNullOrWhiteSpace(kid) || kid.Length > 200)
        {
            error = "Must have a \"kid\" (key id) of 1–200 characters.";
            return null;
        }
        error = Text(node, "kty") switch
        {
            "RSA" => CheckRsa(node),
            "EC" => CheckEc(node),
            _ => "\"kty\" must be RSA or EC.",
        };
        return error is null ? new PublicJwk(kid, node.ToJsonString()) : null;
    }

    private static string? CheckRsa(JsonObject node)
    {
        if (Bytes(node, "n") is not { } modulus || Bytes(node, "e") is not { } exponent)
        {
            return "An RSA key needs \"n\" and \"e\" in base64url.";
        }
        if (modulus.SkipWhile(b => b == 0).Count() * 8 < 2048)
        {
            return "An RSA key must have at least 2048 bits.";
        }
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportParameters(new RSAParameters { Modulus = modulus, Exponent = exponent });
            return null;
        }
        catch (CryptographicException)
        {
            return "\"n\" and \"e\" are not an RSA public key.";
        }
    }

    private static string? CheckEc(JsonObject node)
    {
        if (Text(node, "crv") is not { } crv || !Curves.TryGetValue(crv, out var curve) || Bytes(node, "x") is not { } x || Bytes(node, "y") is not { } y)
        {
            return "An EC key needs \"crv\" (P-256, P-384 or P-521), and \"x\" and \"y\" in base64url.";
        }
        try
        {
            using var ec = ECDsa.Create();
            ec.ImportParameters(new ECParameters { Curve = curve, Q = new ECPoint { X = x, Y = y } });
            return null;
        }
        catch (CryptographicException)
        {
            return "\"x\" and \"y\" are not a point on the curve.";
        }
    }

    private static string? Text(JsonObject node, string name) =>
        node[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static byte[]? Bytes(JsonObject node, string name)
    {
        if (Text(node, name) is not { Length: > 0 } text || text.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return null;
        }
        try
        {
            return Base64UrlEncoder.DecodeBytes(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
