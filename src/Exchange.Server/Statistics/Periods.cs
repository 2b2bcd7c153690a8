using Exchange.Server.Storage;
using Exchange.V1;

namespace Exchange.Server.Statistics;

/// <summary>Reporting periods: months, quarters and years, and which begin when in Swedish time.</summary>
public static class Periods
{
    private static readonly TimeZoneInfo Sweden = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    public const int FirstYear = 2000;
    public const int LastYear = 2100;

    public static PeriodKind? ToKind(this PeriodType type) => type switch
    {
        PeriodType.Month => PeriodKind.Month,
        PeriodType.Quarter => PeriodKind.Quarter,
        PeriodType.Year => PeriodKind.Year,
        _ => null,
    };

    public static PeriodType ToWire(this PeriodKind kind) => kind switch
    {
        PeriodKind.Month => PeriodType.Month,
        PeriodKind.Quarter => PeriodType.Quarter,
        _ => PeriodType.Year,
    };

    /// <summary>How many periods of a kind a year has.</summary>
    public static int PerYear(PeriodKind kind) => kind switch
    {
        PeriodKind.Month => 12,
        PeriodKind.Quarter => 4,
        _ => 1,
    };

    /// <summary>Whether the period is a real one: a known type, a year in range, a number in range (0 for a year).</summary>
    public static bool IsWellFormed(Period? period) =>
        period is not null && period.Type.ToKind() is { } kind && period.Year is >= FirstYear and <= LastYear
        && (kind == PeriodKind.Year ? period.Number == 0 : period.Number >= 1 && period.Number <= PerYear(kind));

    /// <summary>The first day of the period.</summary>
    public static DateOnly Start(PeriodKind kind, int year, int number) => kind switch
    {
        PeriodKind.Month => new DateOnly(year, number, 1),
        PeriodKind.Quarter => new DateOnly(year, 3 * number - 2, 1),
        _ => new DateOnly(year, 1, 1),
    };

    /// <summary>Today in Sweden, where a period begins.</summary>
    public static DateOnly TodayInSweden(TimeProvider time) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), Sweden).DateTime);

    /// <summary>The node code of a period in a protected table ("M3", "Q1", "Y").</summary>
    public static string NodeCode(PeriodKind kind, int number) => kind switch
    {
        PeriodKind.Month => $"M{number}",
        PeriodKind.Quarter => $"Q{number}",
        _ => "Y",
    };

    /// <summary>A sortable position of a period of a kind: year × periods per year + number.</summary>
    public static int Ordinal(PeriodKind kind, int year, int number) => year * 100 + (kind == PeriodKind.Year ? 0 : number);
}
