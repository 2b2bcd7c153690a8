using Exchange.Contracts;

namespace Exchange.Web.Console;

/// <summary>
/// A public key an operator pastes, as exchange-admin takes it: a JWK with its "kid" as it is, or a
/// public key in PEM with the key id typed beside it (converted here, as exchange-admin's
/// --public-key with --key-id does). The server checks the key itself (type, size, no private parts).
/// </summary>
public static class PublicKeyInput
{
    /// <summary>The JWK to send, or null with <paramref name="error"/> (Swedish) saying why not.</summary>
    public static string? ToJwk(string? text, string? keyId, out string? error)
    {
        var key = (text ?? "").Trim();
        error = null;
        if (key.Length == 0)
        {
            error = "Klistra in myndighetens publika nyckel: en JWK eller en PEM (-----BEGIN PUBLIC KEY-----).";
            return null;
        }
        if (key.StartsWith('{'))
        {
            return key;
        }
        if (!key.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            error = "Det är varken en JWK (JSON) eller en PEM.";
            return null;
        }
        if (key.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            // exchange-admin only warns, on the operator's own machine; a private key pasted here has
            // already crossed the network to the web app, so it is refused and the authority told to replace it.
            error = "Det här är en privat nyckel. Den ska bara finnas hos myndigheten: klistra in den publika delen, och be myndigheten skapa ett nytt nyckelpar eftersom den privata nyckeln har lämnat den.";
            return null;
        }
        if (string.IsNullOrWhiteSpace(keyId))
        {
            error = "En PEM behöver ett nyckel-id (kid), det som myndigheten anger i sina klientintyg.";
            return null;
        }
        try
        {
            return PublicKeys.JwkFromPem(key, keyId.Trim());
        }
        catch (ArgumentException)
        {
            error = "PEM:en innehåller ingen RSA- eller EC-nyckel (P-256, P-384 eller P-521).";
            return null;
        }
    }
}
