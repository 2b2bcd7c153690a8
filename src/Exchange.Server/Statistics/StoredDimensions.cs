namespace Exchange.Server.Statistics;

/// <summary>
/// A cell's dimension values as stored: "code=value" pairs in the indicator's order, joined by ';'.
/// Codes and values are lower snake case, so neither separator can occur in them.
/// </summary>
public static class StoredDimensions
{
    public static string Format(IEnumerable<(string Code, string Value)> values) => string.Join(';', values.Select(v => $"{v.Code}={v.Value}"));

    public static List<(string Code, string Value)> Parse(string stored) =>
        [.. stored.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).Select(p => (p[0], p[^1]))];

    /// <summary>What a stored string holds, wrapped in ';', where it has <paramref name="code"/> = <paramref name="value"/>.</summary>
    public static string Pattern(string code, string value) => $";{code}={value};";
}
