using System.Globalization;
using System.Text.RegularExpressions;

namespace Exchange.Server.Validation;

/// <summary>Swedish identifiers, validated at the edge.</summary>
public static partial class Identifiers
{
    // The county codes (länskoder) in use since 1998.
    private static readonly HashSet<string> CountyCodes =
        ["01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14", "17", "18", "19", "20", "21", "22", "23", "24", "25"];

    // The 290 kommuner (SCB's kommunkoder, unchanged since Knivsta in 2003), county by county. A
    // code of the right form that names no kommun would add a kommun to the county's tables.
    private static readonly HashSet<string> MunicipalityCodes =
    [
        "0114", "0115", "0117", "0120", "0123", "0125", "0126", "0127", "0128", "0136", "0138", "0139", "0140",
        "0160", "0162", "0163", "0180", "0181", "0182", "0183", "0184", "0186", "0187", "0188", "0191", "0192",
        "0305", "0319", "0330", "0331", "0360", "0380", "0381", "0382",
        "0428", "0461", "0480", "0481", "0482", "0483", "0484", "0486", "0488",
        "0509", "0512", "0513", "0560", "0561", "0562", "0563", "0580", "0581", "0582", "0583", "0584", "0586",
        "0604", "0617", "0642", "0643", "0662", "0665", "0680", "0682", "0683", "0684", "0685", "0686", "0687",
        "0760", "0761", "0763", "0764", "0765", "0767", "0780", "0781",
        "0821", "0834", "0840", "0860", "0861", "0862", "0880", "0881", "0882", "0883", "0884", "0885",
        "0980",
        "1060", "1080", "1081", "1082", "1083",
        "1214", "1230", "1231", "1233", "1256", "1257", "1260", "1261", "1262", "1263", "1264", "1265", "1266",
        "1267", "1270", "1272", "1273", "1275", "1276", "1277", "1278", "1280", "1281", "1282", "1283", "1284",
        "1285", "1286", "1287", "1290", "1291", "1292", "1293",
        "1315", "1380", "1381", "1382", "1383", "1384",
        "1401", "1402", "1407", "1415", "1419", "1421", "1427", "1430", "1435", "1438", "1439", "1440", "1441",
        "1442", "1443", "1444", "1445", "1446", "1447", "1452", "1460", "1461", "1462", "1463", "1465", "1466",
        "1470", "1471", "1472", "1473", "1480", "1481", "1482", "1484", "1485", "1486", "1487", "1488", "1489",
        "1490", "1491", "1492", "1493", "1494", "1495", "1496", "1497", "1498", "1499",
        "1715", "1730", "1737", "1760", "1761", "1762", "1763", "1764", "1765", "1766", "1780", "1781", "1782",
        "1783", "1784", "1785",
        "1814", "1860", "1861", "1862", "1863", "1864", "1880", "1881", "1882", "1883", "1884", "1885",
        "1904", "1907", "1960", "1961", "1962", "1980", "1981", "1982", "1983", "1984",
        "2021", "2023", "2026", "2029", "2031", "2034", "2039", "2061", "2062", "2080", "2081", "2082", "2083",
        "2084", "2085",
        "2101", "2104", "2121", "2132", "2161", "2180", "2181", "2182", "2183", "2184",
        "2260", "2262", "2280", "2281", "2282", "2283", "2284",
        "2303", "2305", "2309", "2313", "2321", "2326", "2361", "2380",
        "2401", "2403", "2404", "2409", "2417", "2418", "2421", "2422", "2425", "2460", "2462", "2463", "2480",
        "2481", "2482",
        "2505", "2506", "2510", "2513", "2514", "2518", "2521", "2523", "2560", "2580", "2581", "2582", "2583",
        "2584",
    ];

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

    /// <summary>A kommunkod of one of Sweden's 290 kommuner; its first two digits are its county's code.</summary>
    public static bool IsMunicipalityCode(string? value) => value is not null && MunicipalityCodes.Contains(value);

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
