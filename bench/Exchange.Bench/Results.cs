using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Exchange.Bench;

/// <summary>One line of the results: a figure, its latencies, and what it is compared with.</summary>
internal sealed record ResultRow(
    string Scenario,
    string Figure,
    double? Value,
    string Unit,
    double? P50Ms,
    double? P99Ms,
    string? Baseline = null,
    double? BaselineValue = null,
    double? Ratio = null,
    double? P50VersusBaseline = null,
    double? P99VersusBaseline = null,
    long Succeeded = 0,
    long Failed = 0,
    string? Note = null);

/// <summary>How a scenario went: ok, failed (with the reason) or skipped, and its figures.</summary>
internal sealed record ScenarioOutcome(string Scenario, string Status, string? Error, IReadOnlyList<ResultRow> Rows)
{
    public static ScenarioOutcome Skipped(string scenario) => new(scenario, "skipped", null, []);
}

internal sealed record MachineInfo(int ProcessorCount, string OperatingSystem, string DotNet, string Architecture, string MachineName);

internal sealed record BenchReport(
    DateTimeOffset StartTime,
    DateTimeOffset EndTime,
    string Mode,
    string Provider,
    int Concurrency,
    int Connections,
    double DurationSeconds,
    string Server,
    MachineInfo Machine,
    IReadOnlyList<ScenarioOutcome> Scenarios);

internal static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static async Task WriteJsonAsync(BenchReport report, string path, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, report, Json, cancellationToken);
    }

    public static string Table(BenchReport report)
    {
        string[] header = ["scenario", "figure", "unit", "p50 ms", "p99 ms", "baseline", "ratio"];
        var lines = new List<string[]> { header };
        foreach (var outcome in report.Scenarios)
        {
            if (outcome.Status == "skipped")
            {
                lines.Add([outcome.Scenario, "skipped", "", "", "", "", ""]);
                continue;
            }
            foreach (var row in outcome.Rows)
            {
                lines.Add([
                    row.Figure.Length > 0 ? $"{row.Scenario} {row.Figure}" : row.Scenario,
                    Text.Number(row.Value, row.Value is < 100 and not 0 && row.Value % 1 != 0 ? "N2" : "N0"),
                    row.Unit,
                    Text.Number(row.P50Ms, "N2"),
                    Text.Number(row.P99Ms, "N2"),
                    row.Baseline ?? "",
                    RatioText(row),
                ]);
            }
            if (outcome.Status == "failed")
            {
                lines.Add([outcome.Scenario, "FAILED", "", "", "", outcome.Error ?? "", ""]);
            }
        }
        var widths = Enumerable.Range(0, header.Length).Select(c => Math.Min(70, lines.Max(l => l[c].Length))).ToArray();
        var text = new StringBuilder();
        foreach (var (line, index) in lines.Select((l, i) => (l, i)))
        {
            text.AppendLine(string.Join(" | ", line.Select((cell, c) => Clip(cell, widths[c]).PadRight(widths[c]))).TrimEnd());
            if (index == 0)
            {
                text.AppendLine(string.Join("-|-", widths.Select(w => new string('-', w))));
            }
        }
        return text.ToString();
    }

    private static string Clip(string text, int width) => text.Length <= width ? text : string.Concat(text.AsSpan(0, width - 1), "…");

    private static string RatioText(ResultRow row)
    {
        if (row.Ratio is null)
        {
            return "";
        }
        var text = Text.Number(row.Ratio, "N3");
        if (row.P50VersusBaseline is not null || row.P99VersusBaseline is not null)
        {
            text += Text.Invariant($" (p50 ×{Text.Number(row.P50VersusBaseline, "N1")}, p99 ×{Text.Number(row.P99VersusBaseline, "N1")})");
        }
        return text;
    }
}
