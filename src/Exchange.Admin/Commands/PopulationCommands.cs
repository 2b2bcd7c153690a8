using System.CommandLine;
using System.Globalization;
using Exchange.Client;
using Exchange.V1;

namespace Exchange.Admin.Commands;

/// <summary>The population table readers use for rates per 10,000 inhabitants: imported from SCB's published CSV.</summary>
internal static class PopulationCommands
{
    public static Command Build()
    {
        var command = new Command("population", "The population table (inhabitants per kommun or county and year) that rates per 10,000 inhabitants are computed from: import SCB's published table, list what is stored.");
        command.Subcommands.Add(Import());
        command.Subcommands.Add(List());
        return command;
    }

    private static Command Import()
    {
        var file = new Argument<FileInfo>("file") { Description = "SCB's table \"Folkmängd efter region och år\" exported from Statistikdatabasen as CSV (comma, semicolon or tab; UTF-8 or Latin-1), a region column and one column per year, or region, år and a value column." };
        var source = new Option<string>("--source") { Description = "Where the figures come from, kept with every figure and in the audit log, e.g. \"SCB, Folkmängd 31 december 2024\".", Required = true };
        var command = new Command("import", "Import SCB's population table: each figure replaces the stored figure of its area and year (demo figures too). A file with any problem imports nothing: every problem is listed by line.") { file, source };
        ScbPopulationCsvResult? read = null;
        command.SetCall((parse, error) => read = ReadFile(parse.GetValue(file)!, error), async (parse, client, output, ct) =>
        {
            var response = await client.Population.ImportPopulationAsync(read!.ToImportRequest(parse.GetValue(source)!), cancellationToken: ct);
            output.Write(response, w => w.WriteLine(
                $"Imported {response.FigureCount} figures for {read.Figures.Select(f => f.AreaCode).Distinct().Count()} areas, years {Years(read.Figures.Select(f => f.Year))}; {response.ReplacedCount} replaced a stored figure."));
        });
        return command;
    }

    /// <summary>Reads and checks the file; every problem is written with its line, and then nothing is imported.</summary>
    internal static ScbPopulationCsvResult ReadFile(FileInfo file, TextWriter error)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AdminUsageException($"cannot read {file.FullName}: {e.Message}");
        }
        var result = ScbPopulationCsv.Read(bytes);
        if (result.Errors.Count > 0)
        {
            foreach (var problem in result.Errors)
            {
                error.WriteLine(problem.Line > 0 ? $"{file.Name}:{problem.Line}: {problem.Message}" : $"{file.Name}: {problem.Message}");
            }
            throw new AdminUsageException($"{file.Name} has {result.Errors.Count} problem{(result.Errors.Count == 1 ? "" : "s")}; nothing was imported. Correct the file (or export it again) and import the whole file.");
        }
        return result;
    }

    private static Command List()
    {
        var areas = new Option<string[]>("--area") { Description = "A kommunkod (e.g. 2281) or county code (e.g. 22); repeat for several. Default: all.", AllowMultipleArgumentsPerToken = true };
        var from = Inputs.WholeNumber("--from", "The first year listed (default: the earliest).", 2000, 2100);
        var to = Inputs.WholeNumber("--to", "The last year listed (default: the latest).", 2000, 2100);
        var command = new Command("list", "List the stored figures by year and area; demo figures (Development only, not SCB's) are marked.") { areas, from, to };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var response = await client.Population.ListPopulationAsync(new ListPopulationRequest
            {
                AreaCodes = { parse.GetValue(areas) ?? [] },
                FromYear = parse.GetValue(from),
                ToYear = parse.GetValue(to),
            }, cancellationToken: ct);
            output.Write(response, _ => output.Table(["AREA", "YEAR", "INHABITANTS", "SOURCE", "DEMO", "IMPORTED"],
                response.Figures.Select(f => (IReadOnlyList<string>)[f.AreaCode, f.Year.ToString(CultureInfo.InvariantCulture),
                    f.Inhabitants.ToString(CultureInfo.InvariantCulture), f.Source, f.Demo ? "demo" : "", Tables.Time(f.ImportedAt)])));
        });
        return command;
    }

    private static string Years(IEnumerable<int> years)
    {
        var all = years.ToList();
        return all.Min() == all.Max() ? all.Min().ToString(CultureInfo.InvariantCulture) : $"{all.Min()}–{all.Max()}";
    }
}
