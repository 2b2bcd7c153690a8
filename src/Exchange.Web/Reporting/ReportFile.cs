using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CsvHelper;
using Exchange.V1;

namespace Exchange.Web.Reporting;

/// <summary>One thing wrong with an uploaded file: its line (null for the whole file), its column (empty for the whole row) and what is wrong, in Swedish.</summary>
public sealed record ReportViolation(int? Line, string Column, string Message);

/// <summary>
/// An uploaded file read against its indicator: the cells of the rows that are well formed, the file
/// line each came from (to place the server's violations), and every violation found locally.
/// </summary>
public sealed record ParsedReport(IReadOnlyList<Cell> Cells, IReadOnlyList<int> Lines, IReadOnlyList<ReportViolation> Violations, int RowCount)
{
    /// <summary>Whether the columns are right, so that the well-formed rows can be checked by the exchange.</summary>
    public bool ColumnsRight { get; init; } = true;
}

/// <summary>
/// The CSV layout of a report: <c>period;area_code;&lt;each dimension code&gt;;count</c>, one cell a
/// row. Written with ';' (the list separator of Swedish Excel) and a UTF-8 byte order mark (so Excel
/// reads UTF-8); read with ';' or ','.
/// </summary>
public static partial class ReportFile
{
    public const string PeriodColumn = "period";
    public const string AreaColumn = "area_code";
    public const string CountColumn = "count";

    /// <summary>Rows in one file: one SubmitStatistics request. More goes through the API (UploadStatistics).</summary>
    public const int MaxRows = 10_000;

    /// <summary>The largest file accepted: 10,000 rows of a wide indicator fit well within it.</summary>
    public const long MaxBytes = 5 * 1024 * 1024;

    public const long MaxCount = 1_000_000;

    // Example rows in a template: every combination of dimension values, up to this many.
    private const int MaxTemplateRows = 500;

    public static IReadOnlyList<string> Columns(Indicator indicator)
    {
        ArgumentNullException.ThrowIfNull(indicator);
        return [PeriodColumn, AreaColumn, .. indicator.Dimensions.Select(d => d.Code), CountColumn];
    }

    /// <summary>
    /// A template: the header and a row for each combination of dimension values, for the period and
    /// each of the areas, with the count left empty: a template sent back unfilled is refused, never
    /// stored as zeros.
    /// </summary>
    public static byte[] Template(Indicator indicator, Period period, IReadOnlyList<string> areas)
    {
        ArgumentNullException.ThrowIfNull(indicator);
        ArgumentNullException.ThrowIfNull(areas);
        using var buffer = new MemoryStream();
        using (var csv = CsvWriter.Create(buffer, new CsvWriterOptions { Separator = ';', WriteByteOrderMark = true }, leaveOpen: true))
        {
            foreach (var column in Columns(indicator))
            {
                csv.WriteField(column);
            }
            csv.EndRecord();
            var combinations = indicator.Dimensions.Aggregate((IEnumerable<string[]>)[[]], (acc, d) => acc.SelectMany(a => d.Values.Select(v => (string[])[.. a, v])));
            foreach (var (area, values) in areas.SelectMany(area => combinations.Select(values => (area, values))).Take(MaxTemplateRows))
            {
                csv.WriteField(ReportingPeriods.Format(period));
                csv.WriteField(area);
                foreach (var value in values)
                {
                    csv.WriteField(value);
                }
                csv.WriteField("");
                csv.EndRecord();
            }
        }
        return buffer.ToArray();
    }

    /// <summary>The file name of an indicator's template.</summary>
    public static string TemplateName(Indicator indicator) => $"mall-{indicator?.Code}.csv";

    /// <summary>
    /// The request_id of a file's submission: the same authority sending the same file for the same
    /// indicator makes the same id, so a second upload of a file is a replay and never stored twice.
    /// </summary>
    public static string RequestId(string authorityId, string indicatorCode, ReadOnlySpan<byte> content)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{authorityId}\n{indicatorCode}\n"));
        sha.AppendData(content);
        // 1–64 characters of letters, digits, '-' and '_': 56 hex digits are 224 bits of the hash.
        return "csv-" + Convert.ToHexStringLower(sha.GetHashAndReset())[..56];
    }

    /// <summary>
    /// The request_id of sending a file again on purpose, after it was submitted once: its values may
    /// have been replaced since (by a later correction), and the person wants them to count again.
    /// </summary>
    public static string NewRequestId() => "csv-" + Guid.NewGuid().ToString("N");

    /// <summary>How many columns beyond the indicator's a header may have, each listed as unknown.</summary>
    public const int MaxExtraColumns = 20;

    /// <summary>Reads a file against the indicator, listing every violation of its form by line and column.</summary>
    public static ParsedReport Parse(byte[] content, Indicator indicator)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(indicator);
        var violations = new List<ReportViolation>();
        var cells = new List<Cell>();
        var lines = new List<int>();
        // The separator is the first line's: ';' as Swedish Excel writes, or ','.
        var start = content.AsSpan().StartsWith(Utf8Bom) ? Utf8Bom.Length : 0;
        var firstLine = content.AsSpan(start);
        firstLine = firstLine.IndexOfAny((byte)'\r', (byte)'\n') is var end and >= 0 ? firstLine[..end] : firstLine;
        var separator = firstLine.Count((byte)';') >= firstLine.Count((byte)',') ? ';' : ',';
        using var csv = CsvReader.Create(content.AsMemory(start), new CsvReaderOptions
        {
            Separator = separator,
            HasHeader = false,
            TrimWhitespace = true,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            // Every line break ends a row, so that one stray quote cannot swallow the rest of the file.
            AllowLineBreaksInQuotes = false,
            IncludeValuesInExceptions = false,
        });
        if (!csv.Read())
        {
            violations.Add(new ReportViolation(null, "", "Filen är tom: den första raden ska vara kolumnnamnen."));
            return new ParsedReport([], [], violations, 0) { ColumnsRight = false };
        }
        var header = Fields(csv);
        var headerLine = (int)csv.LineNumber;
        var expected = Columns(indicator);
        // A header far wider than any indicator's is not a report: one violation, not one per column.
        if (header.Length > expected.Count + MaxExtraColumns)
        {
            violations.Add(new ReportViolation(headerLine, "", $"Den första raden har {header.Length.ToString("N0", Swedish)} kolumner. Kolumnerna är: {string.Join(separator, expected)}."));
            return new ParsedReport([], [], violations, 0) { ColumnsRight = false };
        }
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i].Trim();
            var known = expected.FirstOrDefault(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                violations.Add(new ReportViolation(headerLine, name.Length == 0 ? $"kolumn {i + 1}" : name,
                    name.Length == 0 ? "Kolumnen saknar namn." : $"Okänd kolumn. Kolumnerna är: {string.Join(separator, expected)}."));
            }
            else if (!position.TryAdd(known, i))
            {
                violations.Add(new ReportViolation(headerLine, known, "Kolumnen finns två gånger."));
            }
        }
        foreach (var missing in expected.Where(c => !position.ContainsKey(c)))
        {
            violations.Add(new ReportViolation(headerLine, missing, "Kolumnen saknas."));
        }
        var columnsRight = violations.Count == 0;

        var rows = 0;
        while (csv.Read())
        {
            var record = Fields(csv);
            var line = (int)csv.LineNumber;
            if (record.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }
            if (++rows > MaxRows)
            {
                violations.Add(new ReportViolation(line, "", $"Filen har fler än {MaxRows.ToString("N0", Swedish)} rader. Dela upp den, eller leverera större mängder genom API:t (UploadStatistics)."));
                return new ParsedReport([], [], violations, rows) { ColumnsRight = false };
            }
            var before = violations.Count;
            string? Field(string column) => position.TryGetValue(column, out var i) ? (i < record.Length ? record[i].Trim() : "") : null;
            void Violate(string column, string message) => violations.Add(new ReportViolation(line, column, message));

            Period? period = null;
            if (Field(PeriodColumn) is { } periodText)
            {
                if (periodText.Length == 0)
                {
                    Violate(PeriodColumn, "Värde saknas.");
                }
                else if (ReportingPeriods.Parse(periodText) is not { } p)
                {
                    Violate(PeriodColumn, $"Ingen period. Skriv t.ex. {ReportingPeriods.Example(indicator.ReportingPeriod)} ({FollowUp.FollowUpTexts.PeriodType(indicator.ReportingPeriod)}).");
                }
                else if (p.Type != indicator.ReportingPeriod)
                {
                    Violate(PeriodColumn, $"Indikatorn rapporteras per {FollowUp.FollowUpTexts.PeriodType(indicator.ReportingPeriod)}: skriv t.ex. {ReportingPeriods.Example(indicator.ReportingPeriod)}.");
                }
                else
                {
                    period = p;
                }
            }
            var area = Field(AreaColumn);
            if (area is { Length: 0 })
            {
                Violate(AreaColumn, "Värde saknas.");
            }
            var dimensions = new List<DimensionValue>();
            foreach (var d in indicator.Dimensions)
            {
                if (Field(d.Code) is { } value)
                {
                    if (value.Length == 0)
                    {
                        Violate(d.Code, "Värde saknas.");
                    }
                    dimensions.Add(new DimensionValue { Dimension = d.Code, Value = value });
                }
            }
            long count = 0;
            if (Field(CountColumn) is { } countText)
            {
                if (countText.Length == 0)
                {
                    Violate(CountColumn, "Värde saknas.");
                }
                else if (!long.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count > MaxCount)
                {
                    Violate(CountColumn, $"Ett heltal från 0 till {MaxCount.ToString("N0", Swedish)}.");
                }
            }
            if (columnsRight && violations.Count == before)
            {
                cells.Add(new Cell { IndicatorCode = indicator.Code, Period = period, AreaCode = area, Dimensions = { dimensions }, Count = count });
                lines.Add(line);
            }
        }
        if (rows == 0 && columnsRight)
        {
            violations.Add(new ReportViolation(null, "", "Filen har inga rader med uppgifter."));
        }
        return new ParsedReport(cells, lines, violations, rows) { ColumnsRight = columnsRight };
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static string[] Fields(CsvReader csv)
    {
        var fields = new string[csv.FieldCount];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = csv.GetString(i) ?? "";
        }
        return fields;
    }

    private static readonly CultureInfo Swedish = CultureInfo.GetCultureInfo("sv-SE");

    /// <summary>
    /// The exchange's field violations of a validate_only check (or a submission) of the report's
    /// cells, placed on the file's lines and columns: <c>cells[i]</c> is the i-th well-formed row, and
    /// <c>dimensions[j]</c> its j-th dimension column (they were sent in the indicator's order).
    /// </summary>
    public static IReadOnlyList<ReportViolation> FromExchange(IReadOnlyList<(string Field, string Description)> violations, ParsedReport report, Indicator indicator)
    {
        ArgumentNullException.ThrowIfNull(violations);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(indicator);
        var placed = new List<ReportViolation>();
        foreach (var (field, description) in violations)
        {
            var m = CellField().Match(field);
            if (!m.Success || !int.TryParse(m.Groups["cell"].Value, CultureInfo.InvariantCulture, out var index) || index >= report.Lines.Count)
            {
                placed.Add(new ReportViolation(null, "", field == "cells" ? MoreViolations(description) : ReportingTexts.Exchange(description)));
                continue;
            }
            var line = report.Lines[index];
            var cell = report.Cells[index];
            var (column, message) = m.Groups["part"].Value switch
            {
                "period" => (PeriodColumn, ReportingTexts.PeriodRefusal(description)),
                "area_code" => (AreaColumn, ReportingTexts.AreaRefusal(description, indicator.ReportingLevel)),
                "count" => (CountColumn, $"Ett heltal från 0 till {MaxCount.ToString("N0", Swedish)}."),
                "indicator_code" => ("", ReportingTexts.IndicatorRefusal(description)),
                "dimensions" when m.Groups["dimension"].Success && int.TryParse(m.Groups["dimension"].Value, CultureInfo.InvariantCulture, out var j) && j < cell.Dimensions.Count
                    => (cell.Dimensions[j].Dimension, m.Groups["what"].Value == "value"
                        ? $"Inte ett tillåtet värde. Tillåtna: {string.Join(", ", indicator.Dimensions.FirstOrDefault(d => d.Code == cell.Dimensions[j].Dimension)?.Values ?? [])}."
                        : ReportingTexts.Exchange(description)),
                "dimensions" => ("", ReportingTexts.Exchange(description)),
                "" => ("", description.StartsWith("The same cell", StringComparison.Ordinal)
                    ? "Samma uppgift (period, område och dimensionsvärden) finns på en tidigare rad."
                    : ReportingTexts.Exchange(description)),
                _ => ("", ReportingTexts.Exchange(description)),
            };
            placed.Add(new ReportViolation(line, column, message));
        }
        return placed;
    }

    /// <summary>Every violation in the order of the file: by line, then by column as the template has them.</summary>
    public static IReadOnlyList<ReportViolation> InFileOrder(IEnumerable<ReportViolation> violations, Indicator indicator)
    {
        var columns = Columns(indicator).ToList();
        int Rank(string column) => columns.IndexOf(column) is var i and >= 0 ? i : column.Length == 0 ? -1 : columns.Count;
        return [.. violations.OrderBy(v => v.Line ?? int.MaxValue).ThenBy(v => Rank(v.Column))];
    }

    private static string MoreViolations(string description) =>
        LeadingNumber().Match(description) is { Success: true } n
            ? $"Ytterligare {n.Value} fel visas inte. Rätta dem ovan och ladda upp igen."
            : ReportingTexts.Exchange(description);

    [GeneratedRegex(@"^cells\[(?<cell>[0-9]+)\](?:\.(?<part>[a-z_]+)(?:\[(?<dimension>[0-9]+)\](?:\.(?<what>[a-z_]+))?)?)?$")]
    private static partial Regex CellField();

    [GeneratedRegex("^[0-9]+")]
    private static partial Regex LeadingNumber();
}
