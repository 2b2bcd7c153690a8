namespace Exchange.Web.People;

/// <summary>A person reference as people read and type it: 20 characters in groups of five.</summary>
public static class PersonReference
{
    /// <summary>"ABCDEFGHIJKLMNOPQRST" → "ABCDE-FGHIJ-KLMNO-PQRST"; dashes and spaces in the input are ignored.</summary>
    public static string Format(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var plain = Normalise(reference);
        return string.Join('-', plain.Chunk(5).Select(chunk => new string(chunk)));
    }

    /// <summary>Without dashes and white space, in upper case: what an administrator may paste.</summary>
    public static string Normalise(string reference) =>
        new(reference.Where(c => c != '-' && !char.IsWhiteSpace(c)).Select(char.ToUpperInvariant).ToArray());
}
