using System.Globalization;
using Exchange.V1;

namespace Exchange.Web.FollowUp;

/// <summary>Swedish names for the follow-up pages: goals, sources, periods, areas and the catalogue's codes.</summary>
public static class FollowUpTexts
{
    public static readonly CultureInfo Swedish = CultureInfo.GetCultureInfo("sv-SE");

    /// <summary>The county of the regional action plan the demo follows up (Västernorrland), used when a page names none.</summary>
    public const string DefaultCounty = "22";

    public static readonly IReadOnlyList<PlanGoal> Goals =
        [PlanGoal.Prevention, PlanGoal.DetectionAndProtection, PlanGoal.CrimeFighting, PlanGoal.KnowledgeAndMethods];

    public static string Goal(PlanGoal goal) => goal switch
    {
        PlanGoal.Prevention => "Ett utvecklat och effektivt förebyggande arbete",
        PlanGoal.DetectionAndProtection => "Bättre upptäckt av våld samt stärkt skydd och stöd för våldsutsatta kvinnor och barn",
        PlanGoal.CrimeFighting => "Effektivare brottsbekämpning",
        PlanGoal.KnowledgeAndMethods => "Förbättrad kunskap och metodutveckling",
        _ => "Inget mål angivet",
    };

    public static string Source(IEnumerable<AuthorityKind> reporterKinds)
    {
        var names = reporterKinds.Select(Reporter).Distinct().ToList();
        return names.Count == 0
            ? "Räknas av Exchange självt"
            : "Rapporteras av " + (names.Count == 1 ? names[0] : string.Join(", ", names[..^1]) + " och " + names[^1]);
    }

    public static string Reporter(AuthorityKind kind) => kind switch
    {
        AuthorityKind.Police => "Polisen",
        AuthorityKind.Region => "regionen",
        AuthorityKind.Municipality => "kommunerna",
        AuthorityKind.Shelter => "kvinno- och tjejjourerna",
        AuthorityKind.County => "länsstyrelsen",
        _ => "annan aktör",
    };

    public static string PeriodType(PeriodType type) => type switch
    {
        V1.PeriodType.Month => "månad",
        V1.PeriodType.Quarter => "kvartal",
        V1.PeriodType.Year => "år",
        _ => "okänd",
    };

    public static string Level(AreaLevel level) => level == AreaLevel.County ? "län" : "kommun";

    /// <summary>A period as a short label: "2025", "2025 K2", "2025-03".</summary>
    public static string Period(Period period) => period.Type switch
    {
        V1.PeriodType.Quarter => $"{period.Year} K{period.Number}",
        V1.PeriodType.Month => string.Create(CultureInfo.InvariantCulture, $"{period.Year}-{period.Number:00}"),
        _ => period.Year.ToString(CultureInfo.InvariantCulture),
    };

    private static readonly Dictionary<string, string> AreaNames = new(StringComparer.Ordinal)
    {
        ["22"] = "Västernorrlands län",
        ["2260"] = "Ånge",
        ["2262"] = "Timrå",
        ["2280"] = "Härnösand",
        ["2281"] = "Sundsvall",
        ["2282"] = "Kramfors",
        ["2283"] = "Sollefteå",
        ["2284"] = "Örnsköldsvik",
    };

    public static string Area(string code) => AreaName(code) ?? (code.Length == 2 ? $"Län {code}" : $"Kommun {code}");

    /// <summary>The name of an area of the county the exchange serves; null for any other code.</summary>
    public static string? AreaName(string code) => AreaNames.GetValueOrDefault(code);

    private static readonly Dictionary<string, string> DimensionNames = new(StringComparer.Ordinal)
    {
        ["victim_sex"] = "Den våldsutsattas kön",
        ["age_band"] = "Åldersgrupp",
        ["relation"] = "Relation till förövaren",
        ["offence"] = "Brott",
        ["accompanied_by_children"] = "Medföljande barn",
        ["service"] = "Verksamhet",
        ["channel"] = "Kontaktväg",
        ["sender_kind"] = "Avsändarens typ",
        ["recipient_kind"] = "Mottagarens typ",
        ["reason_category"] = "Anledning",
        ["outcome"] = "Utfall hittills",
    };

    public static string Dimension(Dimension dimension) => DimensionNames.GetValueOrDefault(dimension.Code) ?? dimension.Name;

    private static readonly Dictionary<string, string> ValueNames = new(StringComparer.Ordinal)
    {
        ["female"] = "Kvinna", ["male"] = "Man",
        ["0_17"] = "0–17 år", ["18_29"] = "18–29 år", ["30_49"] = "30–49 år", ["50_64"] = "50–64 år", ["65_plus"] = "65 år och äldre",
        ["partner_or_former_partner"] = "Partner eller tidigare partner", ["other_family"] = "Annan närstående", ["other_acquaintance"] = "Annan bekant",
        ["misshandel"] = "Misshandel", ["grov_kvinnofridskrankning"] = "Grov kvinnofridskränkning", ["grov_fridskrankning"] = "Grov fridskränkning",
        ["olaga_forfoljelse"] = "Olaga förföljelse", ["olaga_hot"] = "Olaga hot", ["valdtakt"] = "Våldtäkt",
        ["yes"] = "Ja", ["no"] = "Nej",
        ["social_services"] = "Socialtjänst", ["schools"] = "Skola", ["elderly_care"] = "Äldreomsorg", ["other"] = "Annat",
        ["phone"] = "Telefon", ["visit"] = "Besök", ["digital"] = "Digitalt",
    };

    /// <summary>A dimension value's Swedish name; the empty value is the total over all values.</summary>
    public static string Value(string value) => value.Length == 0 ? "Totalt" : ValueNames.GetValueOrDefault(value) ?? value;

    public static string Number(double value, int decimals) => value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), Swedish);

    public const string SourceLine = "Källa: Exchange, röjandekontrollerade uppgifter";

    public const string DemoPopulation = "Befolkningstal: demovärden, inte SCB";
}
