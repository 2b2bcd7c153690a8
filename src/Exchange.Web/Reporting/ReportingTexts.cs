using Exchange.V1;

namespace Exchange.Web.Reporting;

/// <summary>
/// Swedish names of the statistics contract's codes, and the exchange's refusals of reported cells in
/// Swedish. The exchange's descriptions are in English and name no person (statistics carry none);
/// one not recognised here is shown as it came.
/// </summary>
public static class ReportingTexts
{
    public static string AreaLevel(AreaLevel level) => level switch
    {
        V1.AreaLevel.Municipality => "kommun (kommunkod, 4 siffror)",
        V1.AreaLevel.County => "län (länskod, 2 siffror)",
        _ => "okänd nivå",
    };

    public static string Kind(AuthorityKind kind) => kind switch
    {
        AuthorityKind.Municipality => "kommun",
        AuthorityKind.Police => "polis",
        AuthorityKind.Region => "region",
        AuthorityKind.Shelter => "kvinno- eller tjejjour",
        AuthorityKind.County => "länsstyrelse",
        _ => kind.ToString(),
    };

    /// <summary>What to write in a template's area column when the authority's areas are not known: the person replaces it.</summary>
    public static string AreaPlaceholder(AreaLevel level) => level == V1.AreaLevel.County ? "ANGE_LANSKOD" : "ANGE_KOMMUNKOD";

    public static string PeriodRefusal(string description) =>
        description.Contains("not begun", StringComparison.Ordinal)
            ? "Perioden har inte börjat än."
            : description.Contains("reported per", StringComparison.Ordinal)
                ? "Fel sorts period för indikatorn."
                : "Ingen giltig period (år 2000–2100).";

    public static string AreaRefusal(string description, AreaLevel level) =>
        description.StartsWith("Not one of your areas", StringComparison.Ordinal)
            ? "Inte ett av myndighetens områden: rapportera bara för de områden myndigheten är registrerad för."
            : level == V1.AreaLevel.County
                ? "Ingen länskod: två siffror, t.ex. 22."
                : "Ingen kommunkod: fyra siffror, t.ex. 2281.";

    public static string IndicatorRefusal(string description) =>
        description.Contains("kind of authority", StringComparison.Ordinal)
            ? "Er typ av myndighet rapporterar inte den här indikatorn."
            : "Indikatorn tar inte emot uppgifter.";

    public static string Exchange(string description) => $"Godtogs inte av Exchange: {description}";
}
