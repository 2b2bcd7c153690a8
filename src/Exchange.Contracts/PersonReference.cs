using System.Security.Cryptography;
using System.Text;

namespace Exchange.Contracts;

/// <summary>
/// How the exchange knows a person: 20 base32 characters (100 bits) of SHA-256 over the identity
/// provider's issuer and the person's stable identifier there. The web app shows it to a person
/// without a membership, who hands it to an administrator, so that nobody types a personnummer into a
/// form and the exchange never stores the identifier itself. The server derives it, the web app and
/// exchange-admin show and read it.
/// </summary>
public static class PersonReference
{
    public const int Length = 20;

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>The reference of the person <paramref name="subject"/> at the issuer (without its trailing slash).</summary>
    public static string Of(string normalisedIssuer, string subject)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"exchange.person.v1\n{normalisedIssuer}\n{subject}"));
        var text = new StringBuilder(Length);
        // Five bits at a time from the front of the digest.
        for (var bit = 0; text.Length < Length; bit += 5)
        {
            var value = ((digest[bit / 8] << 8) | digest[(bit / 8) + 1]) >> (11 - (bit % 8)) & 0x1F;
            text.Append(Alphabet[value]);
        }
        return text.ToString();
    }

    /// <summary>The stored form of what an administrator entered (dashes, white space and case are forgiven), or null when it is none.</summary>
    public static string? Parse(string? entered)
    {
        if (entered is null)
        {
            return null;
        }
        var compact = Compact(entered);
        return compact.Length == Length && compact.All(Alphabet.Contains) ? compact : null;
    }

    /// <summary>In groups of five, to read aloud: ABCDE-FGHIJ-KLMNO-PQRST (dashes, white space and case in the input are forgiven).</summary>
    public static string Format(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return string.Join('-', Compact(reference).Chunk(5).Select(chunk => new string(chunk)));
    }

    private static string Compact(string text) => new(text.Where(c => c != '-' && !char.IsWhiteSpace(c)).Select(char.ToUpperInvariant).ToArray());
}
