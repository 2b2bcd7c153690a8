using System.Globalization;
using System.Text.RegularExpressions;
using Exchange.V1;

namespace Exchange.Web.Reporting;

/// <summary>
/// Periods as a person writes them in a spreadsheet: <c>2025</c> (a year), <c>2025-K1</c> (a quarter;
/// K for kvartal, Q accepted too) and <c>2025-03</c> (a month).
/// </summary>
public static partial class ReportingPeriods
{
    public const int FirstYear = 2000;
    public const int LastYear = 2100;

    public static string Format(Period period)
    {
        ArgumentNullException.ThrowIfNull(period);
        return period.Type switch
        {
            PeriodType.Year => period.Year.ToString(CultureInfo.InvariantCulture),
            PeriodType.Quarter => $"{period.Year}-K{period.Number}",
            PeriodType.Month => $"{period.Year}-{period.Number:00}",
            _ => "",
        };
    }

    /// <summary>An example of the form, for messages.</summary>
    public static string Example(PeriodType type) => type switch
    {
        PeriodType.Year => "2025",
        PeriodType.Quarter => "2025-K1",
        _ => "2025-03",
    };

    /// <summary>The period a text names, of whichever type its form is; null when it names none.</summary>
    public static Period? Parse(string? text)
    {
        var t = (text ?? "").Trim();
        if (YearForm().Match(t) is { Success: true } y)
        {
            return Valid(new Period { Type = PeriodType.Year, Year = Number(y.Groups[1]) });
        }
        if (QuarterForm().Match(t) is { Success: true } q)
        {
            return Valid(new Period { Type = PeriodType.Quarter, Year = Number(q.Groups[1]), Number = Number(q.Groups[2]) });
        }
        if (MonthForm().Match(t) is { Success: true } m && Number(m.Groups[2]) is >= 1 and <= 12)
        {
            return Valid(new Period { Type = PeriodType.Month, Year = Number(m.Groups[1]), Number = Number(m.Groups[2]) });
        }
        return null;
    }

    /// <summary>The latest period of the type that has ended by <paramref name="today"/>: what a reporter typically reports next.</summary>
    public static Period LatestEnded(PeriodType type, DateOnly today) => type switch
    {
        PeriodType.Year => new Period { Type = type, Year = today.Year - 1 },
        PeriodType.Quarter => (today.Month - 1) / 3 is 0
            ? new Period { Type = type, Year = today.Year - 1, Number = 4 }
            : new Period { Type = type, Year = today.Year, Number = (today.Month - 1) / 3 },
        _ => today.Month == 1
            ? new Period { Type = PeriodType.Month, Year = today.Year - 1, Number = 12 }
            : new Period { Type = PeriodType.Month, Year = today.Year, Number = today.Month - 1 },
    };

    /// <summary>How many periods of a type a year has.</summary>
    public static int PerYear(PeriodType type) => type switch { PeriodType.Quarter => 4, PeriodType.Month => 12, _ => 1 };

    /// <summary>The period <paramref name="steps"/> periods before <paramref name="period"/>.</summary>
    public static Period Before(Period period, int steps)
    {
        ArgumentNullException.ThrowIfNull(period);
        var perYear = PerYear(period.Type);
        if (perYear == 1)
        {
            return new Period { Type = period.Type, Year = period.Year - steps };
        }
        var index = period.Year * perYear + period.Number - 1 - steps;
        return new Period { Type = period.Type, Year = index / perYear, Number = index % perYear + 1 };
    }

    public static int Compare(Period a, Period b) => (a.Year, a.Number).CompareTo((b.Year, b.Number));

    private static Period? Valid(Period period) => period.Year is >= FirstYear and <= LastYear ? period : null;

    private static int Number(Group group) => int.Parse(group.Value, NumberStyles.None, CultureInfo.InvariantCulture);

    [GeneratedRegex("^([0-9]{4})$")]
    private static partial Regex YearForm();

    [GeneratedRegex("^([0-9]{4})-?[KkQq]([1-4])$")]
    private static partial Regex QuarterForm();

    [GeneratedRegex("^([0-9]{4})-([0-9]{1,2})$")]
    private static partial Regex MonthForm();
}
