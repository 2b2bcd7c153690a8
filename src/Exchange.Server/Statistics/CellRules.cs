using Exchange.Server.Authorization;
using Exchange.Server.Storage;
using Exchange.Server.Validation;
using Exchange.V1;

namespace Exchange.Server.Statistics;

/// <summary>Where a reported count belongs: one reporter's cell of an indicator's definition version.</summary>
public readonly record struct CellKey(string IndicatorCode, int DefinitionVersion, int Year, int PeriodNumber, string AreaCode, string Dimensions);

/// <summary>A checked cell, ready to store.</summary>
public readonly record struct ReportedCell(CellKey Key, long Count);

/// <summary>
/// The rules every reported cell meets, each checked for every cell so that one answer lists all
/// that is wrong: the indicator is enabled and the caller's kind may report it; the area is at the
/// indicator's level and the caller's; every dimension has exactly one allowed value; the period is
/// of the indicator's type, well formed and already begun in Sweden; the count is 0–1,000,000; no cell
/// twice.
/// </summary>
public sealed class CellRules(IReadOnlyDictionary<string, IndicatorEntity> indicators, Caller caller, DateOnly today)
{
    /// <summary>A count above this is a mistake in a county's or even the country's statistics of one cell.</summary>
    public const long MaxCount = 1_000_000;

    /// <summary>Violations listed in one answer; the rest are counted.</summary>
    public const int MaxViolationsListed = 100;

    private readonly HashSet<CellKey> seen = [];
    private int violationCount;

    public FieldViolations Violations { get; } = new();

    /// <summary>Whether every violation so far is about what the caller may report, not about the cell's form.</summary>
    public bool OnlyPermissionViolations { get; private set; } = true;

    public int ViolationCount => violationCount;

    /// <summary>Checks one cell; null when it breaks a rule (and the violations say which).</summary>
    public ReportedCell? Check(Cell cell, string field)
    {
        var before = violationCount;
        if (!indicators.TryGetValue(cell.IndicatorCode ?? "", out var indicator) || !indicator.Enabled)
        {
            Violate($"{field}.indicator_code", "Not an enabled indicator of the catalogue (see ListIndicators).", permission: false);
            return null;
        }
        if (!DataRules.MayReportIndicator(caller, indicator))
        {
            Violate($"{field}.indicator_code", "This indicator is not reported by your kind of authority.", permission: true);
        }

        var period = cell.Period;
        string Reported() => indicator.ReportingPeriod.ToString().ToLowerInvariant();
        if (!Periods.IsWellFormed(period))
        {
            Violate($"{field}.period", $"A {Reported()} (the indicator's reporting period): year {Periods.FirstYear}–{Periods.LastYear}, month 1–12, quarter 1–4, or number 0 for a year.", permission: false);
        }
        else if (period.Type.ToKind() != indicator.ReportingPeriod)
        {
            Violate($"{field}.period", $"This indicator is reported per {Reported()}; the cell's period is a {period.Type.ToKind().ToString()!.ToLowerInvariant()}.", permission: false);
        }
        else if (Periods.Start(indicator.ReportingPeriod, period.Year, period.Number) > today)
        {
            Violate($"{field}.period", "The period has not begun yet.", permission: false);
        }

        var area = cell.AreaCode ?? "";
        var levelOk = indicator.ReportingLevel == AreaLevelKind.Municipality ? Identifiers.IsMunicipalityCode(area) : Identifiers.IsCountyCode(area);
        if (!levelOk)
        {
            Violate($"{field}.area_code", indicator.ReportingLevel == AreaLevelKind.Municipality
                ? "A kommunkod of 4 digits, e.g. 2281: the indicator is reported by municipality."
                : "A county code of 2 digits, e.g. 22: the indicator is reported by county.", permission: false);
        }
        else if (!DataRules.MayReportArea(caller, area))
        {
            Violate($"{field}.area_code", "Not one of your areas: report only for the areas your authority is registered for.", permission: true);
        }

        var values = new string[indicator.Dimensions.Count];
        for (var i = 0; i < cell.Dimensions.Count; i++)
        {
            var given = cell.Dimensions[i];
            var d = indicator.Dimensions.FindIndex(x => x.Code == given.Dimension);
            if (d < 0)
            {
                Violate($"{field}.dimensions[{i}].dimension", "Not a dimension of this indicator.", permission: false);
            }
            else if (values[d] is not null)
            {
                Violate($"{field}.dimensions[{i}].dimension", "This dimension is given twice.", permission: false);
            }
            else if (!AllowedValues(indicator, d).Contains(given.Value ?? ""))
            {
                Violate($"{field}.dimensions[{i}].value", "Not an allowed value of this dimension (see ListIndicators).", permission: false);
                values[d] = "";
            }
            else
            {
                values[d] = given.Value!;
            }
        }
        for (var d = 0; d < values.Length; d++)
        {
            if (values[d] is null)
            {
                Violate($"{field}.dimensions", $"Missing dimension {indicator.Dimensions[d].Code}: every dimension of the indicator needs exactly one value.", permission: false);
            }
        }

        if (cell.Count is < 0 or > MaxCount)
        {
            Violate($"{field}.count", $"A whole number from 0 to {MaxCount:N0}.", permission: false);
        }

        if (violationCount != before)
        {
            return null;
        }
        var key = new CellKey(indicator.Code, indicator.DefinitionVersion, period!.Year, period.Number, area,
            StoredDimensions.Format(indicator.Dimensions.Select((d, i) => (d.Code, values[i]))));
        if (!seen.Add(key))
        {
            Violate(field, "The same cell (indicator, period, area and dimension values) appears earlier in this submission.", permission: false);
            return null;
        }
        return new ReportedCell(key, cell.Count);
    }

    // An upload checks up to a million cells against the same few dimensions: look values up in a set.
    private readonly Dictionary<(string Indicator, int Dimension), HashSet<string>> allowed = [];

    private HashSet<string> AllowedValues(IndicatorEntity indicator, int dimension)
    {
        if (!allowed.TryGetValue((indicator.Code, dimension), out var values))
        {
            allowed[(indicator.Code, dimension)] = values = new HashSet<string>(indicator.Dimensions[dimension].Values, StringComparer.Ordinal);
        }
        return values;
    }

    private void Violate(string field, string description, bool permission)
    {
        violationCount++;
        OnlyPermissionViolations &= permission;
        if (violationCount <= MaxViolationsListed)
        {
            Violations.Add(field, description);
        }
    }

    /// <summary>Throws the answer for what was found: PERMISSION_DENIED when only the caller's rights are in the way, else INVALID_ARGUMENT.</summary>
    public void ThrowIfAny()
    {
        if (violationCount == 0)
        {
            return;
        }
        if (violationCount > MaxViolationsListed)
        {
            Violations.Add("cells", $"{violationCount - MaxViolationsListed} more violations not listed; nothing was stored.");
        }
        if (OnlyPermissionViolations)
        {
            throw Violations.ToRpcException(Grpc.Core.StatusCode.PermissionDenied);
        }
        Violations.ThrowIfAny();
    }
}
