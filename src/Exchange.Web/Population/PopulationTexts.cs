using System.Globalization;
using System.Text.RegularExpressions;
using Exchange.Client;

namespace Exchange.Web.Population;

/// <summary>The population page's messages in Swedish: the file's problems by line, and the server's refusals by figure.</summary>
public static partial class PopulationTexts
{
    private static readonly CultureInfo Swedish = CultureInfo.GetCultureInfo("sv-SE");

    /// <summary>"2281 Sundsvall", or the code alone for an area outside the county.</summary>
    public static string Area(string code) => FollowUp.FollowUpTexts.AreaName(code) is { } name ? $"{code} {name}" : code;

    /// <summary>A whole number as Swedish text writes it, grouped by (no-break) spaces: 99 535.</summary>
    public static string Number(long value) => value.ToString("N0", Swedish);

    /// <summary>A problem of the file, with its line.</summary>
    public static string Describe(ScbPopulationError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var year = error.Year?.ToString(CultureInfo.InvariantCulture) ?? "";
        var text = error.Kind switch
        {
            ScbPopulationErrorKind.NoHeader => "Hittar ingen rubrikrad. Filen ska ha en kolumn för region och en kolumn per år (t.ex. ”region;2023;2024”), eller kolumnerna region, år och ett värde.",
            ScbPopulationErrorKind.NoFigures => "Filen har en rubrikrad men inga värden.",
            ScbPopulationErrorKind.MissingFields => "Raden har färre fält än rubrikraden.",
            ScbPopulationErrorKind.AreaCode => "Regionen börjar inte med en kommunkod (4 siffror) eller länskod (2 siffror), t.ex. ”2281 Sundsvall”.",
            ScbPopulationErrorKind.Year => "Året är inte ett år mellan 2000 och 2100.",
            ScbPopulationErrorKind.MissingValue => $"Värde saknas för {year} (”..”, ”-” eller tomt). Exportera bara år som SCB har publicerat för alla regioner.",
            ScbPopulationErrorKind.Inhabitants => $"Värdet för {year} är inte ett heltal mellan 1 och 20 000 000.",
            ScbPopulationErrorKind.Duplicate => $"Regionen har redan ett värde för {year} på en tidigare rad.",
            _ => "Raden kan inte läsas.",
        };
        return error.Line > 0 ? $"Rad {error.Line}: {text}" : $"Filen: {text}";
    }

    /// <summary>
    /// A field violation of ImportPopulation, told by the figure's line in the file where it names a
    /// figure (figures[i] is the file's i-th figure).
    /// </summary>
    public static string DescribeViolation(string field, IReadOnlyList<ScbPopulationRow> figures)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(figures);
        if (FigurePattern().Match(field) is { Success: true } match
            && int.TryParse(match.Groups["index"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < figures.Count)
        {
            var figure = figures[index];
            var what = match.Groups["field"].Value switch
            {
                "area_code" => "Exchange känner inte till området: ange en kommun eller ett län som finns.",
                "year" => "Exchange godtog inte året: 2000–2100, och ett värde per område och år.",
                "inhabitants" => "Exchange godtog inte antalet invånare: 1–20 000 000.",
                _ => "Exchange godtog inte värdet.",
            };
            return $"Rad {figure.Line} ({Area(figure.AreaCode)}, {figure.Year}): {what}";
        }
        return field switch
        {
            "source" => "Källan godtogs inte: 1–200 tecken, utan radbrytningar, styrtecken eller personnummer.",
            "figures" => "En import har 1–10 000 värden. Dela upp filen.",
            _ => "Exchange godtog inte importen.",
        };
    }

    [GeneratedRegex(@"^figures\[(?<index>\d+)\]\.(?<field>[a-z_]+)$")]
    private static partial Regex FigurePattern();
}
