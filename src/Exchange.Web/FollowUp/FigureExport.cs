using System.Globalization;
using CsvHelper;
using MiniExcelLibs;

namespace Exchange.Web.FollowUp;

/// <summary>
/// A chart's table as a file: CSV the way Swedish Excel opens it (semicolon, UTF-8 with BOM, decimal
/// comma, CRLF) and .xlsx. A suppressed cell is exported as the text "A" or "D" in both count and
/// rate, never as 0 or an empty number; a rate without a population figure is empty.
/// </summary>
public static class FigureExport
{
    public static readonly IReadOnlyList<string> Columns =
        ["Indikator", "Definitionsversion", "Period", "Områdeskod", "Område", "Dimension", "Värde", "Antal", "Invånare", "Per 10 000 invånare", "Befolkningskälla"];

    private sealed record Row(string Indicator, int Version, string Period, string AreaCode, string Area, string Dimension, string Value,
        object Count, long? Inhabitants, object? Rate, string PopulationSource);

    private static IEnumerable<Row> Rows(string indicatorCode, string dimensionCode, IEnumerable<Figure> figures) =>
        figures.Select(f => new Row(
            indicatorCode,
            f.DefinitionVersion,
            FollowUpTexts.Period(f.Period),
            f.AreaCode,
            FollowUpTexts.Area(f.AreaCode),
            dimensionCode,
            dimensionCode.Length == 0 ? "" : FollowUpTexts.Value(f.DimensionValue),
            f.Mark ?? (object?)f.Count ?? "",
            f.Population?.Inhabitants,
            f.Mark ?? (object?)(f.Rate is { } r ? Math.Round(r, 1) : null),
            f.Population is null ? "" : f.Population.Demo ? FollowUpTexts.DemoPopulation : f.Population.Source));

    /// <summary>The CSV options: Swedish Excel's separator, a BOM so that å, ä and ö survive, and no formula a spreadsheet would run.</summary>
    public static readonly CsvWriterOptions CsvOptions = CsvWriterOptions.Default with
    {
        Separator = ';',
        NewLine = "\r\n",
        WriteByteOrderMark = true,
        Injection = CsvInjection.Escape,
    };

    public static byte[] Csv(string indicatorCode, string dimensionCode, IEnumerable<Figure> figures)
    {
        using var stream = new MemoryStream();
        using (var csv = CsvWriter.Create(stream, CsvOptions, leaveOpen: true))
        {
            csv.WriteRecord([.. Columns]);
            foreach (var row in Rows(indicatorCode, dimensionCode, figures))
            {
                csv.WriteRecord(
                [
                    row.Indicator,
                    row.Version.ToString(CultureInfo.InvariantCulture),
                    row.Period,
                    row.AreaCode,
                    row.Area,
                    row.Dimension,
                    row.Value,
                    row.Count switch { long c => c.ToString(CultureInfo.InvariantCulture), var other => other.ToString() ?? "" },
                    row.Inhabitants?.ToString(CultureInfo.InvariantCulture) ?? "",
                    row.Rate switch { double r => r.ToString("0.0", FollowUpTexts.Swedish), null => "", var other => other.ToString() ?? "" },
                    row.PopulationSource,
                ]);
            }
        }
        return stream.ToArray();
    }

    public static byte[] Excel(string indicatorCode, string dimensionCode, IEnumerable<Figure> figures)
    {
        var rows = Rows(indicatorCode, dimensionCode, figures).Select(r => new Dictionary<string, object?>
        {
            [Columns[0]] = r.Indicator,
            [Columns[1]] = r.Version,
            [Columns[2]] = r.Period,
            [Columns[3]] = r.AreaCode,
            [Columns[4]] = r.Area,
            [Columns[5]] = r.Dimension,
            [Columns[6]] = r.Value,
            [Columns[7]] = r.Count,
            [Columns[8]] = r.Inhabitants,
            [Columns[9]] = r.Rate,
            [Columns[10]] = r.PopulationSource,
        }).ToList();
        using var stream = new MemoryStream();
        stream.SaveAs(rows, sheetName: "Uppgifter", excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    /// <summary>A file name without personal data: the indicator, the table and the time of export.</summary>
    public static string FileName(string indicatorCode, string table, DateTimeOffset now, string extension) =>
        string.Create(CultureInfo.InvariantCulture, $"{indicatorCode}-{table}-{now:yyyyMMdd-HHmm}.{extension}");
}
