using System.Globalization;
using System.Text.RegularExpressions;

namespace Exchange.Web.Referrals;

/// <summary>
/// The identifier checks the exchange makes, repeated here so that the form can say what is wrong
/// before anything is sent (the web app does not reference the server; the server checks again).
/// </summary>
public static partial class SwedishIdentifiers
{
    /// <summary>A personnummer: 12 digits YYYYMMDDNNNC, a real date, a valid check digit.</summary>
    public static bool IsPersonnummer(string? value) => IsPersonalIdentity(value, 0);

    /// <summary>A samordningsnummer: as a personnummer with 60 added to the day.</summary>
    public static bool IsSamordningsnummer(string? value) => IsPersonalIdentity(value, 60);

    /// <summary>A reserve id: 1–32 letters and digits.</summary>
    public static bool IsReserveId(string? value) => value is not null && ReserveIdPattern().IsMatch(value);

    /// <summary>An authority id: 3–63 lower-case letters, digits and '-', starting with a letter.</summary>
    public static bool IsAuthorityId(string? value) => value is not null && AuthorityIdPattern().IsMatch(value);

    /// <summary>Digits only: "19811218-9876" and "19811218 9876" become "198112189876".</summary>
    public static string Normalise(string? value) =>
        new((value ?? "").Where(c => c != '-' && c != '+' && !char.IsWhiteSpace(c)).ToArray());

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

    /// <summary>Whole years of age on a date, from a valid personnummer or samordningsnummer; null otherwise.</summary>
    public static int? AgeOn(string? identifier, DateOnly on)
    {
        if (!IsPersonnummer(identifier) && !IsSamordningsnummer(identifier))
        {
            return null;
        }
        var year = int.Parse(identifier.AsSpan(0, 4), CultureInfo.InvariantCulture);
        var month = int.Parse(identifier.AsSpan(4, 2), CultureInfo.InvariantCulture);
        var day = int.Parse(identifier.AsSpan(6, 2), CultureInfo.InvariantCulture) % 60;
        var age = on.Year - year;
        return on.Month < month || (on.Month == month && on.Day < day) ? age - 1 : age;
    }

    /// <summary>Whether a text holds something shaped like a personnummer or samordningsnummer with a valid check digit.</summary>
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
            if (month is >= 1 and <= 12 && (day is >= 1 and <= 31 || day is >= 61 and <= 91)
                && LuhnValid(string.Concat(match.Groups["date"].Value, match.Groups["number"].Value)))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The Luhn (mod 10) check over all given digits.</summary>
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

    [GeneratedRegex("^[A-Za-z0-9]{1,32}$")]
    private static partial Regex ReserveIdPattern();

    [GeneratedRegex("^[a-z][a-z0-9-]{2,62}$")]
    private static partial Regex AuthorityIdPattern();

    [GeneratedRegex(@"(?<!\d)(?:19|20)?(?<date>\d{2}(?<month>\d{2})(?<day>\d{2}))[-+]?(?<number>\d{4})(?!\d)")]
    private static partial Regex PersonalIdentityPattern();
}
