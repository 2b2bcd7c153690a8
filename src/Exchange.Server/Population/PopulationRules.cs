using Exchange.Server.Validation;
using Exchange.V1;

namespace Exchange.Server.Population;

/// <summary>One figure of an import, checked: an area, a year and its inhabitants.</summary>
public sealed record PopulationFigureInput(string AreaCode, int Year, long Inhabitants);

/// <summary>
/// What a population import and a listing must satisfy, checked at the edge and listing every bad field:
/// an import is stored whole or not at all, so one bad figure refuses it and names every other.
/// </summary>
public static class PopulationRules
{
    public const int FirstYear = 2000;
    public const int LastYear = 2100;
    public const long MaxInhabitants = 20_000_000;
    public const int MaxFigures = 10_000;
    public const int MaxSourceLength = 200;
    public const int MaxListedAreas = 300;

    private const string AreaDescription = "A kommunkod of 4 digits (e.g. 2281) or a county code of 2 digits (e.g. 22) in use.";

    /// <summary>A kommun's or a county's code, as the statistics know them.</summary>
    public static bool IsAreaCode(string? code) => Identifiers.IsMunicipalityCode(code) || Identifiers.IsCountyCode(code);

    public static (IReadOnlyList<PopulationFigureInput> Figures, FieldViolations Violations) Import(ImportPopulationRequest request)
    {
        var v = new FieldViolations();
        Source(v, request.Source);
        v.Require(request.Figures.Count is >= 1 and <= MaxFigures, "figures", $"1–{MaxFigures} figures.");
        var figures = new List<PopulationFigureInput>(request.Figures.Count);
        var seen = new HashSet<(string, int)>();
        for (var i = 0; i < request.Figures.Count && i < MaxFigures; i++)
        {
            var figure = request.Figures[i];
            var field = $"figures[{i}]";
            var areaOk = IsAreaCode(figure.AreaCode);
            var yearOk = figure.Year is >= FirstYear and <= LastYear;
            v.Require(areaOk, $"{field}.area_code", AreaDescription);
            v.Require(yearOk, $"{field}.year", $"A year from {FirstYear} to {LastYear}.");
            v.Require(figure.Inhabitants is >= 1 and <= MaxInhabitants, $"{field}.inhabitants", "1–20 000 000 inhabitants.");
            if (areaOk && yearOk && !seen.Add((figure.AreaCode, figure.Year)))
            {
                v.Add($"{field}.year", "This area already has a figure for this year in the import: each area and year at most once.");
            }
            figures.Add(new PopulationFigureInput(figure.AreaCode, figure.Year, figure.Inhabitants));
        }
        return (figures, v);
    }

    /// <summary>The import's source: kept with every figure and in the audit log forever, so plain text and no personnummer.</summary>
    public static void Source(FieldViolations v, string source)
    {
        v.Length(source, "source", 1, MaxSourceLength);
        v.Require(!Identifiers.ContainsPersonalIdentityNumber(source), "source",
            "Looks like it holds a personnummer; the source is kept in the audit log: name the table and its date, e.g. \"SCB, Folkmängd 31 december 2024\".");
        v.Require(source.Trim().Length > 0 || source.Length == 0, "source", "Not only spaces.");
    }

    public static FieldViolations List(ListPopulationRequest request)
    {
        var v = new FieldViolations();
        v.Require(request.AreaCodes.Count <= MaxListedAreas, "area_codes", $"At most {MaxListedAreas} areas.");
        for (var i = 0; i < request.AreaCodes.Count && i < MaxListedAreas; i++)
        {
            v.Require(IsAreaCode(request.AreaCodes[i]), $"area_codes[{i}]", AreaDescription);
        }
        var fromOk = request.FromYear == 0 || request.FromYear is >= FirstYear and <= LastYear;
        var toOk = request.ToYear == 0 || request.ToYear is >= FirstYear and <= LastYear;
        v.Require(fromOk, "from_year", $"0 (the earliest) or a year from {FirstYear} to {LastYear}.");
        v.Require(toOk, "to_year", $"0 (the latest) or a year from {FirstYear} to {LastYear}.");
        v.Require(!fromOk || !toOk || request.FromYear == 0 || request.ToYear == 0 || request.FromYear <= request.ToYear, "to_year", "Not before from_year.");
        return v;
    }
}
