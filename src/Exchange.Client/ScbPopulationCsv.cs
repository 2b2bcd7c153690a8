using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CsvHelper;
using Exchange.V1;

namespace Exchange.Client;

/// <summary>One figure read from SCB's table: the inhabitants of an area in a year, with the line it came from.</summary>
/// <param name="Line">The file's line (1-based) the figure was read from.</param>
/// <param name="AreaCode">The region's leading code: a 4-digit kommunkod or a 2-digit county code.</param>
/// <param name="AreaName">The rest of the region's text (e.g. "Sundsvall"), empty when the file gives only the code.</param>
/// <param name="Year">The year, from the year column (long format) or the column's header (wide format).</param>
/// <param name="Inhabitants">The population the file gives.</param>
public sealed record ScbPopulationRow(int Line, string AreaCode, string AreaName, int Year, long Inhabitants);

/// <summary>What is wrong with a line of the file, as <see cref="ScbPopulationError.Kind"/>.</summary>
public enum ScbPopulationErrorKind
{
    /// <summary>No header line was found: neither region and year columns (wide) nor region, år and a value column (long). Line 0.</summary>
    NoHeader = 1,

    /// <summary>The header was found but no line after it holds a figure. Line 0.</summary>
    NoFigures,

    /// <summary>The line has fewer fields than the header.</summary>
    MissingFields,

    /// <summary>The region does not start with a 4-digit kommunkod or a 2-digit county code.</summary>
    AreaCode,

    /// <summary>The year (long format) is not a year from 2000 to 2100.</summary>
    Year,

    /// <summary>The value is SCB's ".." or "-" (not available) or empty: every figure must be given.</summary>
    MissingValue,

    /// <summary>The value is not a whole number from 1 to 20,000,000.</summary>
    Inhabitants,

    /// <summary>The area and year already had a figure on an earlier line.</summary>
    Duplicate,
}

/// <summary>One problem of the file, by line.</summary>
/// <param name="Line">The file's line (1-based); 0 for the file as a whole.</param>
/// <param name="Kind">What is wrong.</param>
/// <param name="Year">The year the problem concerns, where it concerns one (a wide file's column), else null.</param>
/// <param name="Message">An English description that never repeats the line's content beyond the area and year.</param>
public sealed record ScbPopulationError(int Line, ScbPopulationErrorKind Kind, int? Year, string Message);

/// <summary>The figures read from a file and the problems found, every one of them.</summary>
/// <param name="Figures">The figures of the lines without problems.</param>
/// <param name="Errors">Every problem, by line; import nothing unless it is empty.</param>
public sealed record ScbPopulationCsvResult(IReadOnlyList<ScbPopulationRow> Figures, IReadOnlyList<ScbPopulationError> Errors)
{
    /// <summary>Whether the file was read without a problem, so that its figures may be imported.</summary>
    public bool IsValid => Errors.Count == 0 && Figures.Count > 0;

    /// <summary>An ImportPopulation request of every figure, with the given source (e.g. "SCB, Folkmängd 31 december 2024").</summary>
    /// <exception cref="InvalidOperationException">The file had problems: importing part of it would hide them.</exception>
    public ImportPopulationRequest ToImportRequest(string source)
    {
        if (!IsValid)
        {
            throw new InvalidOperationException("The file has problems or no figures; import nothing until every line reads.");
        }
        return new ImportPopulationRequest
        {
            Source = source,
            Figures = { Figures.Select(f => new PopulationFigure { AreaCode = f.AreaCode, Year = f.Year, Inhabitants = f.Inhabitants }) },
        };
    }
}

/// <summary>
/// Reads SCB's published table "Folkmängd efter region och år" as Statistikdatabasen (PxWeb) exports
/// it to CSV, into figures for <see cref="PopulationService.PopulationServiceClient.ImportPopulation(ImportPopulationRequest, Grpc.Core.CallOptions)"/>.
/// </summary>
/// <remarks>
/// <para>Two layouts are read. <b>Wide</b>: a region column, then one column per year whose header holds
/// one 4-digit year, as in <c>"region","2023","2024"</c> or <c>region;Folkmängd 2023;Folkmängd 2024</c>.
/// <b>Long</b>: a region column, an <c>år</c> (or <c>year</c>) column and a value column (the last other
/// column), one line per region and year. Other columns (such as <c>kön</c>) are ignored.</para>
/// <para>The delimiter (comma, semicolon or tab) is found from the header. The bytes are read as UTF-8,
/// with or without a byte order mark; when they are not valid UTF-8 they are read as Windows-1252
/// (Latin-1), which SCB's exports often are, so that å, ä and ö read right. Title and blank lines
/// before the header are skipped: the header is the first line of at least two fields whose next
/// non-blank line has as many.</para>
/// <para>A region is read by its leading code: "2281 Sundsvall" is 2281, "22 Västernorrlands län" is
/// 22. The whole country ("00 Riket") is skipped, since the exchange has no such area. Numbers may
/// group thousands with spaces or no-break spaces ("99 535").</para>
/// <para>SCB's ".." and "-" (not available) and an empty value are <b>errors</b>, not skipped: a rate
/// needs every figure, and a silently missing one would show as no rate at all. Export only the years
/// SCB has published for every chosen region.</para>
/// <para>Every problem is listed with its line, and <see cref="ScbPopulationCsvResult.ToImportRequest"/>
/// refuses a file with any: import all of a file or nothing.</para>
/// </remarks>
public static partial class ScbPopulationCsv
{
    /// <summary>The area code of the whole country in SCB's tables, skipped.</summary>
    public const string Country = "00";

    private static readonly char[] Delimiters = [';', '\t', ','];

    /// <summary>Reads the file's bytes (see the class's remarks for the encodings).</summary>
    public static ScbPopulationCsvResult Read(ReadOnlySpan<byte> bytes) => ReadText(Decode(bytes));

    /// <summary>Reads a whole stream (see the class's remarks for the encodings).</summary>
    public static async Task<ScbPopulationCsvResult> ReadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Read(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>Reads text already decoded.</summary>
    public static ScbPopulationCsvResult ReadText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Each delimiter is tried; the one whose header has the most fields is the file's.
        Layout? best = null;
        List<(int Line, string[] Fields)>? bestRecords = null;
        foreach (var delimiter in Delimiters)
        {
            var records = Parse(text, delimiter);
            if (FindHeader(records) is { } layout && (best is null || layout.FieldCount > best.FieldCount))
            {
                (best, bestRecords) = (layout, records);
            }
        }
        if (best is null)
        {
            return new([], [new ScbPopulationError(0, ScbPopulationErrorKind.NoHeader, null,
                "No header line found: expected a region column and one column per year (e.g. \"region;2023;2024\"), or region, år and a value column.")]);
        }
        return ReadFigures(best, bestRecords!);
    }

    /// <summary>UTF-8 when the bytes are valid UTF-8 (a byte order mark is dropped), otherwise Windows-1252.</summary>
    internal static string Decode(ReadOnlySpan<byte> bytes)
    {
        ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
        if (bytes.StartsWith(bom))
        {
            bytes = bytes[bom.Length..];
        }
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            // Windows-1252 is Latin-1 with printable characters in 0x80–0x9F; it is in .NET's code pages.
            var windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252) ?? Encoding.Latin1;
            return windows1252.GetString(bytes);
        }
    }

    private static List<(int Line, string[] Fields)> Parse(string text, char delimiter)
    {
        var options = new CsvReaderOptions
        {
            Separator = delimiter,
            HasHeader = false,
            SkipEmptyLines = true,
            TrimWhitespace = true,
            TrimInsideQuotes = true,
            TrackLineNumbers = true,
            IncludeValuesInExceptions = false,
        };
        var records = new List<(int, string[])>();
        using var reader = CsvReader.FromText(text, options);
        while (reader.Read())
        {
            var fields = new string[reader.FieldCount];
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = reader.GetString(i) ?? "";
            }
            if (fields.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }
            records.Add(((int)reader.LineNumber, fields));
        }
        return records;
    }

    private sealed record Layout(int HeaderIndex, int FieldCount, int RegionColumn, int? YearColumn, int? ValueColumn, IReadOnlyList<(int Column, int Year)> YearColumns);

    private static Layout? FindHeader(List<(int Line, string[] Fields)> records)
    {
        for (var i = 0; i + 1 < records.Count; i++)
        {
            var header = records[i].Fields;
            if (header.Length < 2 || records[i + 1].Fields.Length != header.Length)
            {
                continue;
            }
            var regionColumn = Array.FindIndex(header, h => h.Contains("region", StringComparison.OrdinalIgnoreCase));
            var yearColumns = new List<(int, int)>();
            for (var c = 0; c < header.Length; c++)
            {
                var years = YearPattern().Matches(header[c]);
                if (years.Count == 1)
                {
                    yearColumns.Add((c, int.Parse(years[0].Value, CultureInfo.InvariantCulture)));
                }
            }
            if (yearColumns.Count > 0 && yearColumns.Count < header.Length && yearColumns.Select(y => y.Item2).Distinct().Count() == yearColumns.Count)
            {
                // Wide: the region column is the one named so, else the first that is not a year's.
                var region = regionColumn >= 0 && !yearColumns.Any(y => y.Item1 == regionColumn)
                    ? regionColumn
                    : Enumerable.Range(0, header.Length).First(c => !yearColumns.Any(y => y.Item1 == c));
                return new Layout(i, header.Length, region, null, null, yearColumns);
            }
            var yearColumn = Array.FindIndex(header, h => h.Trim().ToLowerInvariant() is "år" or "year" or "ar" or "tid");
            if (regionColumn >= 0 && yearColumn >= 0 && header.Length >= 3)
            {
                var value = Enumerable.Range(0, header.Length).Last(c => c != regionColumn && c != yearColumn);
                return new Layout(i, header.Length, regionColumn, yearColumn, value, []);
            }
        }
        return null;
    }

    private static ScbPopulationCsvResult ReadFigures(Layout layout, List<(int Line, string[] Fields)> records)
    {
        var figures = new List<ScbPopulationRow>();
        var errors = new List<ScbPopulationError>();
        var seen = new Dictionary<(string, int), int>();
        foreach (var (line, fields) in records.Skip(layout.HeaderIndex + 1))
        {
            if (fields.Length < layout.FieldCount)
            {
                // SCB ends its exports with footnotes ("Källa: SCB"): a single field after the figures is not a figure.
                if (fields.Length == 1)
                {
                    continue;
                }
                errors.Add(new(line, ScbPopulationErrorKind.MissingFields, null, $"{fields.Length} fields where the header has {layout.FieldCount}."));
                continue;
            }
            var region = RegionPattern().Match(fields[layout.RegionColumn]);
            if (!region.Success)
            {
                errors.Add(new(line, ScbPopulationErrorKind.AreaCode, null, "The region does not start with a 4-digit kommunkod or a 2-digit county code, e.g. \"2281 Sundsvall\" or \"22 Västernorrlands län\"."));
                continue;
            }
            var code = region.Groups["code"].Value;
            if (code == Country)
            {
                continue;
            }
            var name = region.Groups["name"].Value.Trim();
            var values = layout.YearColumn is { } yearColumn
                ? [(Year: ParseYear(fields[yearColumn]), Text: fields[layout.ValueColumn!.Value], Column: (int?)null)]
                : layout.YearColumns.Select(y => (Year: (int?)y.Year, Text: fields[y.Column], Column: (int?)y.Column)).ToList();
            foreach (var (year, text, column) in values)
            {
                if (year is null)
                {
                    errors.Add(new(line, ScbPopulationErrorKind.Year, null, "The year is not a year from 2000 to 2100."));
                    continue;
                }
                // A wide file's column names any year its header has; the exchange keeps 2000–2100, as the long format's check does.
                if (year is < 2000 or > 2100)
                {
                    errors.Add(new(line, ScbPopulationErrorKind.Year, year, $"{year} is not a year from 2000 to 2100."));
                    continue;
                }
                var inhabitants = ParseInhabitants(text, out var missing);
                if (missing)
                {
                    errors.Add(new(line, ScbPopulationErrorKind.MissingValue, year, $"{code} {year}: no figure (\"..\", \"-\" or empty); export only years SCB has published for every region."));
                }
                else if (inhabitants is null)
                {
                    errors.Add(new(line, ScbPopulationErrorKind.Inhabitants, year, $"{code} {year}: not a whole number of inhabitants from 1 to 20 000 000."));
                }
                else if (seen.TryGetValue((code, year.Value), out var first))
                {
                    errors.Add(new(line, ScbPopulationErrorKind.Duplicate, year, $"{code} {year}: already given on line {first}."));
                }
                else
                {
                    seen[(code, year.Value)] = line;
                    figures.Add(new ScbPopulationRow(line, code, name, year.Value, inhabitants.Value));
                }
            }
        }
        if (figures.Count == 0 && errors.Count == 0)
        {
            errors.Add(new(0, ScbPopulationErrorKind.NoFigures, null, "The header was found, but no line after it holds a figure."));
        }
        return new(figures, errors);
    }

    private static int? ParseYear(string text) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 2000 and <= 2100 ? year : null;

    private static long? ParseInhabitants(string text, out bool missing)
    {
        var trimmed = text.Trim();
        missing = trimmed is "" or ".." or "-" or "…";
        // Thousands grouped by a space, a no-break space or a narrow no-break space, as Swedish text writes them.
        var digits = string.Concat(trimmed.Where(c => c is not (' ' or '\u00A0' or '\u202F' or '\u2009')));
        return !missing && digits.Length is > 0 and <= 9 && digits.All(char.IsAsciiDigit)
            && long.Parse(digits, CultureInfo.InvariantCulture) is var value and >= 1 and <= 20_000_000 ? value : null;
    }

    [GeneratedRegex(@"(?<!\d)(?:19|20|21)\d{2}(?!\d)")]
    private static partial Regex YearPattern();

    [GeneratedRegex(@"^\s*(?<code>\d{4}|\d{2})(?:\s+(?<name>.*))?$", RegexOptions.Singleline)]
    private static partial Regex RegionPattern();
}
