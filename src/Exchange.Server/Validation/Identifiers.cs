using System.Globalization;
using System.Text.RegularExpressions;

namespace Exchange.Server.Validation;

/// <summary>Swedish identifiers, validated at the edge.</summary>
public static partial class Identifiers
{
    // The county codes (länskoder) in use since 1998.
    private static readonly HashSet<string> CountyCodes =
        ["01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14", "17", "18", "19", "20", "21", "22", "23", "24", "25"];

    /// <summary>Normalises an organisation number ("NNNNNN-NNNN" or 10 digits) with a valid Luhn check digit; null if invalid.</summary>
    public static string? NormaliseOrganisationNumber(string? value)
    {
        if (value is null)
        {
            return null;
        }
        var digits = value.Length == 11 && value[6] == '-' ? string.Concat(value.AsSpan(0, 6), value.AsSpan(7)) : value;
        // The third digit of an organisation number is at least 2, which keeps it apart from a personnummer.
        return digits.Length == 10 && digits.All(char.IsAsciiDigit) && digits[2] >= '2' && LuhnValid(digits) ? digits : null;
    }

    /// <summary>A kommunkod: four digits whose first two are a county code.</summary>
    public static bool IsMunicipalityCode(string? value) =>
        value is { Length: 4 } && value.All(char.IsAsciiDigit) && CountyCodes.Contains(value[..2]);

    /// <summary>A county code (länskod), e.g. "22" for Västernorrland.</summary>
    public static bool IsCountyCode(string? value) => value is not null && CountyCodes.Contains(value);

    /// <summary>A personnummer (12 digits, YYYYMMDDNNNC) with a real date and a valid check digit.</summary>
    public static bool IsPersonnummer(string? value) => IsPersonalIdentity(value, dayOffset: 0);

    /// <summary>A samordningsnummer: as a personnummer with 60 added to the day.</summary>
    public static bool IsSamordningsnummer(string? value) => IsPersonalIdentity(value, dayOffset: 60);

    private static bool IsPersonalIdentity(string? value, int dayOffset)
    {
        if (value is not { Length: 12 } || !value.All(char.IsAsciiDigit))
        {
            return false;
        }
        var year = int.Parse(value.AsSpan(0, 4), CultureInfo.InvariantCulture);
        var month = int.Parse(value.AsSpan(4, 2), CultureInfo.InvariantCulture);
        var day = int.Parse(value.AsSpan(6, 2), CultureInfo.InvariantCulture) - dayOffset;
        return year >= 1880 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month) && LuhnValid(value.AsSpan(2));
    }

    /// <summary>
    /// Whether the text holds something shaped like a personnummer or samordningsnummer (10 or 12
    /// digits, optionally with '-' or '+', a real month and day, and a valid check digit): such text
    /// must not go where it is kept forever, as a reason in the audit log is.
    /// </summary>
    public static bool ContainsPersonalIdentityNumber(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        foreach (Match match in PersonalIdentityPattern().Matches(text))
        {
            var month = int.Parse(match.Groups["month"].ValueSpan, CultureInfo.InvariantCulture);
            var day = int.Parse(match.Groups["day"].ValueSpan, CultureInfo.InvariantCulture);
            var digits = string.Concat(match.Groups["date"].Value, match.Groups["number"].Value);
            if (month is >= 1 and <= 12 && (day is >= 1 and <= 31 || day is >= 61 and <= 91) && LuhnValid(digits))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>An authority id: 3–63 characters of lower-case letters, digits and '-', starting with a letter.</summary>
    public static bool IsAuthorityId(string? value) => value is not null && AuthorityIdPattern().IsMatch(value);

    /// <summary>A request_id: 1–64 characters of letters, digits, '-' and '_'.</summary>
    public static bool IsRequestId(string? value) => value is not null && RequestIdPattern().IsMatch(value);

    /// <summary>A catalogue code (indicators, dimensions, values): lower snake case, 1–64 characters.</summary>
    public static bool IsCode(string? value) => value is not null && CodePattern().IsMatch(value);

    /// <summary>The Luhn (mod 10) check used by personnummer and organisation numbers, over all given digits.</summary>
    public static bool LuhnValid(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }
            sum += d;
        }
        return sum % 10 == 0;
    }

    [GeneratedRegex(@"(?<!\d)(?:19|20)?(?<date>\d{2}(?<month>\d{2})(?<day>\d{2}))[-+]?(?<number>\d{4})(?!\d)")]
    private static partial Regex PersonalIdentityPattern();

    [GeneratedRegex("^[a-z][a-z0-9-]{2,62}$")]
    private static partial Regex AuthorityIdPattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex RequestIdPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9_]{0,63}$")]
    private static partial Regex CodePattern();
}
