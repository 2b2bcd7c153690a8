using System.Text;
using Exchange.V1;
using Exchange.Web.Reporting;

namespace Exchange.Web.Tests;

public sealed class ReportFileTests
{
    private static readonly Indicator Supported = new()
    {
        Code = "municipality_adults_supported",
        ReportingPeriod = PeriodType.Quarter,
        ReportingLevel = AreaLevel.Municipality,
        Dimensions =
        {
            new Dimension { Code = "victim_sex", Values = { "female", "male" } },
            new Dimension { Code = "age_band", Values = { "18_29", "30_49" } },
        },
    };

    private static byte[] File(string text, bool bom = false) =>
        [.. bom ? new byte[] { 0xEF, 0xBB, 0xBF } : [], .. Encoding.UTF8.GetBytes(text)];

    private static List<(int?, string)> Places(IEnumerable<ReportViolation> violations) => [.. violations.Select(v => (v.Line, v.Column))];

    [Fact]
    public void A_header_far_wider_than_the_indicator_is_one_violation_not_one_per_column()
    {
        var parsed = ReportFile.Parse(File(new string(';', 100_000) + "\r\n2025-K1;2281;female;3\r\n"), Supported);

        var violation = Assert.Single(parsed.Violations);
        Assert.Equal(1, violation.Line);
        Assert.False(parsed.ColumnsRight);
        Assert.Empty(parsed.Cells);
    }

    [Theory]
    [InlineData("2025", PeriodType.Year, 2025, 0)]
    [InlineData("2025-K1", PeriodType.Quarter, 2025, 1)]
    [InlineData("2025-q4", PeriodType.Quarter, 2025, 4)]
    [InlineData("2025-03", PeriodType.Month, 2025, 3)]
    [InlineData(" 2025-3 ", PeriodType.Month, 2025, 3)]
    public void Periods_are_read_in_the_forms_a_spreadsheet_has(string text, PeriodType type, int year, int number)
    {
        var period = ReportingPeriods.Parse(text);

        Assert.Equal(new Period { Type = type, Year = year, Number = number }, period);
        Assert.Equal(period, ReportingPeriods.Parse(ReportingPeriods.Format(period!)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("2025-K5")]
    [InlineData("2025-13")]
    [InlineData("1999")]
    [InlineData("25-K1")]
    [InlineData("2025-K1x")]
    public void Text_that_names_no_period_is_no_period(string text) => Assert.Null(ReportingPeriods.Parse(text));

    [Fact]
    public void The_latest_ended_period_is_the_one_before_today()
    {
        var today = new DateOnly(2026, 1, 15);

        Assert.Equal("2025-K4", ReportingPeriods.Format(ReportingPeriods.LatestEnded(PeriodType.Quarter, today)));
        Assert.Equal("2025-12", ReportingPeriods.Format(ReportingPeriods.LatestEnded(PeriodType.Month, today)));
        Assert.Equal("2025", ReportingPeriods.Format(ReportingPeriods.LatestEnded(PeriodType.Year, today)));
        Assert.Equal("2026-K2", ReportingPeriods.Format(ReportingPeriods.LatestEnded(PeriodType.Quarter, new DateOnly(2026, 9, 30))));
        Assert.Equal("2025-K3", ReportingPeriods.Format(ReportingPeriods.Before(new Period { Type = PeriodType.Quarter, Year = 2026, Number = 2 }, 3)));
    }

    [Fact]
    public void A_template_reads_back_as_its_own_rows_with_only_the_counts_missing()
    {
        var template = ReportFile.Template(Supported, new Period { Type = PeriodType.Quarter, Year = 2026, Number = 3 }, ["2281"]);

        Assert.Equal([0xEF, 0xBB, 0xBF], template[..3]);
        var lines = Encoding.UTF8.GetString(template[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("period;area_code;victim_sex;age_band;count", lines[0]);
        Assert.Equal(["2026-K3;2281;female;18_29;", "2026-K3;2281;female;30_49;", "2026-K3;2281;male;18_29;", "2026-K3;2281;male;30_49;"], lines[1..]);
        var read = ReportFile.Parse(template, Supported);
        Assert.True(read.ColumnsRight);
        Assert.Equal([(2, "count"), (3, "count"), (4, "count"), (5, "count")], Places(read.Violations));
        Assert.Empty(read.Cells);
    }

    [Theory]
    [InlineData(";", true)]
    [InlineData(",", false)]
    public void A_well_formed_file_becomes_cells_with_their_lines(string separator, bool bom)
    {
        var text = string.Join(separator, "Period", "area_code", "age_band", "victim_sex", "count") + "\r\n"
            + string.Join(separator, "2026-K1", "2281", "18_29", "female", "12") + "\r\n"
            + "\r\n"
            + string.Join(separator, "2026-K2", "2281", "30_49", "male", " 0 ") + "\n";

        var read = ReportFile.Parse(File(text, bom), Supported);

        Assert.Empty(read.Violations);
        Assert.Equal([2, 4], read.Lines);
        var first = read.Cells[0];
        Assert.Equal((Supported.Code, "2281", 12L), (first.IndicatorCode, first.AreaCode, first.Count));
        Assert.Equal(new Period { Type = PeriodType.Quarter, Year = 2026, Number = 1 }, first.Period);
        // Dimensions go in the indicator's order, whatever the column order: the exchange's dimensions[j] is the j-th.
        Assert.Equal(["victim_sex=female", "age_band=18_29"], first.Dimensions.Select(d => $"{d.Dimension}={d.Value}"));
        Assert.Equal(0, read.Cells[1].Count);
    }

    [Fact]
    public void Every_local_violation_is_listed_by_line_and_column()
    {
        var text = """
            period;area_code;victim_sex;age_band;count
            2026-K1;2281;female;18_29;-3
            2026-03;2281;female;18_29;4
            2026-K9;;male;;1.5
            2026-K1;2281;male;30_49;1000001
            2026-K1;2281;male;30_49;tolv
            2026-K2;2281;male;30_49;7
            """;

        var read = ReportFile.Parse(File(text), Supported);

        Assert.Equal([(2, "count"), (3, "period"), (4, "period"), (4, "area_code"), (4, "age_band"), (4, "count"), (5, "count"), (6, "count")], Places(read.Violations));
        Assert.Contains("kvartal", read.Violations[1].Message, StringComparison.Ordinal);
        Assert.Equal("Värde saknas.", read.Violations[3].Message);
        // The one good row is still checked by the exchange, so that one answer lists everything.
        Assert.Equal([7], read.Lines);
    }

    [Fact]
    public void Wrong_columns_are_named_and_no_row_goes_to_the_exchange()
    {
        var read = ReportFile.Parse(File("period,area,victim_sex,count,count\n2026-K1,2281,female,3,3\n"), Supported);

        Assert.False(read.ColumnsRight);
        Assert.Equal([(1, "area"), (1, "count"), (1, "area_code"), (1, "age_band")], Places(read.Violations));
        Assert.Empty(read.Cells);
    }

    [Fact]
    public void An_empty_file_or_one_without_rows_says_so()
    {
        Assert.Single(ReportFile.Parse([], Supported).Violations);
        Assert.Equal([(null, "")], Places(ReportFile.Parse(File("period;area_code;victim_sex;age_band;count\r\n"), Supported).Violations));
    }

    [Fact]
    public void More_rows_than_one_submission_takes_are_refused()
    {
        var text = new StringBuilder("period;area_code;victim_sex;age_band;count\n");
        for (var i = 0; i <= ReportFile.MaxRows; i++)
        {
            text.Append("2026-K1;2281;female;18_29;").Append(i).Append('\n');
        }

        var read = ReportFile.Parse(File(text.ToString()), Supported);

        Assert.Empty(read.Cells);
        Assert.Contains("API", Assert.Single(read.Violations).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_exchanges_violations_are_placed_on_the_files_lines_and_columns()
    {
        var text = """
            period;area_code;age_band;victim_sex;count
            2026-K1;2281;18_29;female;3
            2026-K1;2281;18_29;female;-1
            2026-K1;2282;18_29;female;3
            2026-K1;2281;18_29;other;3
            2030-K1;2281;30_49;female;3
            2026-K1;2281;18_29;female;3
            """;
        var read = ReportFile.Parse(File(text), Supported);
        Assert.Equal([2, 4, 5, 6, 7], read.Lines);

        var placed = ReportFile.FromExchange(
        [
            ("cells[1].area_code", "Not one of your areas: report only for the areas your authority is registered for."),
            ("cells[2].dimensions[0].value", "Not an allowed value of this dimension (see ListIndicators)."),
            ("cells[3].period", "The period has not begun yet."),
            ("cells[4]", "The same cell (indicator, period, area and dimension values) appears earlier in this submission."),
            ("cells", "12 more violations not listed; nothing was stored."),
        ], read, Supported);
        var all = ReportFile.InFileOrder([.. read.Violations, .. placed], Supported);

        Assert.Equal([(3, "count"), (4, "area_code"), (5, "victim_sex"), (6, "period"), (7, ""), (null, "")], Places(all));
        Assert.Contains("myndighetens områden", all[1].Message, StringComparison.Ordinal);
        Assert.Contains("female, male", all[2].Message, StringComparison.Ordinal);
        Assert.Equal("Perioden har inte börjat än.", all[3].Message);
        Assert.Contains("tidigare rad", all[4].Message, StringComparison.Ordinal);
        Assert.StartsWith("Ytterligare 12 fel", all[5].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_file_for_the_same_authority_and_indicator_has_the_same_request_id()
    {
        var content = File("period;area_code;victim_sex;age_band;count\n2026-K1;2281;female;18_29;3\n");

        var id = ReportFile.RequestId("sundsvall-kommun", Supported.Code, content);

        Assert.Matches("^csv-[0-9a-f]{56}$", id);
        Assert.Equal(id, ReportFile.RequestId("sundsvall-kommun", Supported.Code, content.ToArray()));
        Assert.NotEqual(id, ReportFile.RequestId("harnosand-kommun", Supported.Code, content));
        Assert.NotEqual(id, ReportFile.RequestId("sundsvall-kommun", "other_indicator", content));
        Assert.NotEqual(id, ReportFile.RequestId("sundsvall-kommun", Supported.Code, [.. content, (byte)'\n']));
    }
}
