namespace Exchange.Contracts;

/// <summary>
/// How the exchange knows a person: 20 base32 characters (100 bits) the server derives from the
/// identity provider's issuer and the person's identifier with a key of its own. The web app shows it
/// to a person without a membership, who hands it to an administrator, so that nobody types a
/// personnummer into a form and the exchange never stores the identifier. The web app and
/// exchange-admin show and read it.
/// </summary>
public static class PersonReference
{
    public const int Length = 20;

    /// <summary>The characters of a reference (RFC 4648 base32).</summary>
    public const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

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
