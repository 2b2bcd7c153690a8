using System.CommandLine;
using Exchange.V1;

namespace Exchange.Admin.Commands;

internal static class IndicatorCommands
{
    public static Command Build()
    {
        var command = new Command("indicator", "Manage the indicator catalogue.");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(List());
        return command;
    }

    private static Command Add()
    {
        var code = new Argument<string>("code") { Description = "Stable code in lower snake case, e.g. reported_assaults_close_relationship." };
        var name = new Option<string>("--name") { Description = "Human-readable name.", Required = true };
        var goal = new Option<int>("--goal") { Description = "The action plan goal it follows up: 1 prevention, 2 detection and protection, 3 crime fighting, 4 knowledge and methods.", Required = true };
        goal.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 4)
            {
                r.AddError("--goal must be 1, 2, 3 or 4.");
            }
        });
        var unit = new Option<string>("--unit") { Description = "What is counted, e.g. reports, persons, contacts.", Required = true };
        var reporters = new Option<string[]>("--reporter-kind") { Description = "A kind of authority that may report it (repeat): police, region, municipality, county, shelter.", Required = true, AllowMultipleArgumentsPerToken = true };
        var dimensions = new Option<string[]>("--dimension") { Description = "A dimension as code=value1,value2 (repeat), e.g. victim_sex=female,male,other.", AllowMultipleArgumentsPerToken = true };
        var threshold = new Option<int>("--threshold") { Description = "Suppression threshold: counts 1…threshold−1 are hidden in query results. Default 5." };
        var description = new Option<string?>("--description") { Description = "What is counted and how." };
        var command = new Command("add", "Add an indicator to the catalogue.") { code, name, goal, unit, reporters, dimensions, threshold, description };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var indicator = new Indicator
            {
                Code = parse.GetValue(code)!,
                Name = parse.GetValue(name)!,
                Goal = (PlanGoal)parse.GetValue(goal),
                Unit = parse.GetValue(unit)!,
                SuppressionThreshold = parse.GetValue(threshold),
                Description = parse.GetValue(description) ?? "",
                ReporterKinds = { (parse.GetValue(reporters) ?? []).Select(Kinds.Parse) },
            };
            foreach (var spec in parse.GetValue(dimensions) ?? [])
            {
                indicator.Dimensions.Add(ParseDimension(spec));
            }
            var response = await client.Admin.CreateIndicatorAsync(new CreateIndicatorRequest { Indicator = indicator }, cancellationToken: ct);
            output.Write(response, w => w.WriteLine($"Added indicator {response.Indicator.Code} (goal {(int)response.Indicator.Goal}, threshold {response.Indicator.SuppressionThreshold})."));
        });
        return command;
    }

    internal static Dimension ParseDimension(string spec)
    {
        var parts = spec.Split('=', 2);
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw new AdminUsageException($"--dimension must look like code=value1,value2 (got '{spec}').");
        }
        return new Dimension { Code = parts[0], Name = parts[0].Replace('_', ' '), Values = { parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) } };
    }

    private static Command List()
    {
        var all = new Option<bool>("--all") { Description = "Include disabled indicators." };
        var command = new Command("list", "List the indicator catalogue.") { all };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var result = new ListIndicatorsResponse();
            var request = new ListIndicatorsRequest { IncludeDisabled = parse.GetValue(all), PageSize = 1000 };
            do
            {
                var page = await client.Statistics.ListIndicatorsAsync(request, cancellationToken: ct);
                result.Indicators.AddRange(page.Indicators);
                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0);
            output.Write(result, _ => output.Table(["CODE", "GOAL", "UNIT", "REPORTERS", "DIMENSIONS", "THRESHOLD", "ENABLED"],
                result.Indicators.Select(i => (IReadOnlyList<string>)[i.Code, ((int)i.Goal).ToString(System.Globalization.CultureInfo.InvariantCulture), i.Unit,
                    string.Join(",", i.ReporterKinds.Select(Kinds.Name)), string.Join(",", i.Dimensions.Select(d => d.Code)),
                    i.SuppressionThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture), i.Enabled ? "yes" : "no"])));
        });
        return command;
    }
}
