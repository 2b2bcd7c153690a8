using System.Security.Cryptography;
using System.Text.Json;

namespace Exchange.Contracts;

/// <summary>Public keys as the exchange registers them: a JSON Web Key with a key id.</summary>
public static class PublicKeys
{
    /// <summary>
    /// The public JWK of an RSA or EC (P-256, P-384, P-521) key in PEM — a public key, or a private
    /// key whose public half is taken.
    /// </summary>
    /// <exception cref="ArgumentException">The PEM holds no RSA or EC key, or the curve is another.</exception>
    public static string JwkFromPem(string pem, string keyId)
    {
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            var p = rsa.ExportParameters(false);
            return JsonSerializer.Serialize(new { kty = "RSA", kid = keyId, n = Base64Url(p.Modulus!), e = Base64Url(p.Exponent!) });
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
        }
        try
        {
            using var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            var p = ec.ExportParameters(false);
            var crv = p.Curve.Oid.FriendlyName switch
            {
                "nistP256" or "ECDSA_P256" => "P-256",
                "nistP384" or "ECDSA_P384" => "P-384",
                "nistP521" or "ECDSA_P521" => "P-521",
                _ => throw new ArgumentException("The EC key must be on P-256, P-384 or P-521."),
            };
            return JsonSerializer.Serialize(new { kty = "EC", kid = keyId, crv, x = Base64Url(p.Q.X!), y = Base64Url(p.Q.Y!) });
        }
        catch (CryptographicException)
        {
            throw new ArgumentException("The PEM holds no RSA or EC key.");
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
