using System.Globalization;
using CsvHelper;
using Exchange.V1;
using Exchange.Web.Referrals;
using MiniExcelLibs;

namespace Exchange.Web.Console;

/// <summary>
/// Audit events as a spreadsheet: CSV (semicolon-separated, UTF-8 with a byte order mark, as Swedish
/// Excel opens it) or Excel. One row per event with every field the log keeps, hashes included, so a
/// row can be checked against the chain. Events hold ids, hashes and reasons, never personal data.
/// </summary>
public static class AuditExport
{
    /// <summary>The columns, in order: Swedish headings over the contract's fields.</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "Sekvens", "Tid", "Aktör (myndighet)", "Aktör (medlem)", "Händelse", "Måltyp", "Mål-id", "Berörd myndighet",
        "Antal", "Utfall", "Skäl", "Föregående hash", "Hash",
    ];

    /// <summary>An event's cells, in <see cref="Columns"/> order. Time is Swedish time with its offset (ISO 8601).</summary>
    public static IReadOnlyList<object> Cells(AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return
        [
            e.Sequence, Time(e), e.ActorAuthorityId, e.ActorMemberId, e.Action, e.TargetType, e.TargetId, e.SubjectAuthorityId,
            e.Count, ConsoleTexts.Outcome(e.Outcome), e.Reason, e.PreviousHash, e.Hash,
        ];
    }

    /// <summary>How the CSV is written: semicolons and a byte order mark, so Swedish Excel opens it as UTF-8 in columns.</summary>
    public static readonly CsvWriterOptions CsvOptions = new()
    {
        Separator = ';',
        WriteByteOrderMark = true,
        // A reason is typed by an operator: a leading =, +, - or @ must not become a formula in a spreadsheet.
        Injection = CsvInjection.Escape,
    };

    public static byte[] Csv(IEnumerable<AuditEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        using var stream = new MemoryStream();
        using (var csv = CsvWriter.Create(stream, CsvOptions, leaveOpen: true))
        {
            csv.WriteHeader([.. Columns]);
            foreach (var e in events)
            {
                csv.WriteRecord([.. Cells(e).Select(c => Convert.ToString(c, CultureInfo.InvariantCulture) ?? "")]);
            }
            csv.Flush();
        }
        return stream.ToArray();
    }

    public static byte[] Excel(IEnumerable<AuditEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var rows = events.Select(e =>
        {
            var row = new Dictionary<string, object>(StringComparer.Ordinal);
            var cells = Cells(e);
            for (var i = 0; i < Columns.Count; i++)
            {
                row[Columns[i]] = cells[i];
            }
            return row;
        }).ToList();
        using var stream = new MemoryStream();
        stream.SaveAs(rows, sheetName: "Granskning", excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    private static string Time(AuditEvent e) =>
        e.Time is null ? "" : SwedishTime.ToLocal(e.Time.ToDateTimeOffset()).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
}
