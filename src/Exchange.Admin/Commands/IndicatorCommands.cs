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
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Update());
        command.Subcommands.Add(Disable());
        return command;
    }

    private static Command Add()
    {
        var code = new Argument<string>("code") { Description = "Stable code in lower snake case, e.g. police_reported_offences_close_relationship." };
        var name = new Option<string>("--name") { Description = "Human-readable name.", Required = true };
        var goal = Inputs.WholeNumber("--goal", "The action plan goal it follows up: 1 prevention, 2 detection and protection, 3 crime fighting, 4 knowledge and methods.", 1, 4);
        goal.Required = true;
        var unit = new Option<string>("--unit") { Description = "What is counted, e.g. reports, persons, contacts.", Required = true };
        var reporters = new Option<string[]>("--reporter-kind") { Description = "A kind of authority that may report it (repeat): police, region, municipality, county, shelter.", Required = true, AllowMultipleArgumentsPerToken = true };
        var dimensions = new Option<string[]>("--dimension") { Description = "A dimension as code=value1,value2 (repeat), e.g. victim_sex=female,male,other.", AllowMultipleArgumentsPerToken = true };
        var threshold = Threshold();
        var description = new Option<string?>("--description") { Description = "What is counted and how." };
        var level = new Option<string>("--reporting-level") { Description = "The area level cells are reported at: municipality (a kommunkod) or county (a county code). Fixed once created.", DefaultValueFactory = _ => "municipality" };
        level.AcceptOnlyFromAmong("municipality", "county");
        var period = new Option<string>("--reporting-period") { Description = "The period cells are reported for: month, quarter or year. Fixed once created; queries roll up to coarser periods.", DefaultValueFactory = _ => "month" };
        period.AcceptOnlyFromAmong("month", "quarter", "year");
        var crossed = Crossed();
        var command = new Command("add", "Add an indicator to the catalogue.") { code, name, goal, unit, reporters, dimensions, threshold, description, level, period, crossed };
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
                ReportingLevel = parse.GetValue(level) == "county" ? AreaLevel.County : AreaLevel.Municipality,
                ReportingPeriod = parse.GetValue(period) switch { "year" => PeriodType.Year, "quarter" => PeriodType.Quarter, _ => PeriodType.Month },
                MaxCrossedDimensions = parse.GetValue(crossed),
            };
            foreach (var spec in parse.GetValue(dimensions) ?? [])
            {
                indicator.Dimensions.Add(ParseDimension(spec));
            }
            var response = await client.Admin.CreateIndicatorAsync(new CreateIndicatorRequest { Indicator = indicator }, cancellationToken: ct);
            var added = response.Indicator;
            output.Write(response, w => w.WriteLine(
                $"Added indicator {added.Code} (goal {(int)added.Goal}, reported per {added.ReportingPeriod.ToString().ToLowerInvariant()} and {(added.ReportingLevel == AreaLevel.County ? "county" : "kommun")}, threshold {added.SuppressionThreshold}, {added.MaxCrossedDimensions} dimension(s) at once). Its code, goal, dimensions, level and period are fixed from now on."));
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
            var result = new ListIndicatorsResponse
            {
                Indicators =
                {
                    await Pages.AllAsync(async token =>
                    {
                        var page = await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest { IncludeDisabled = parse.GetValue(all), PageSize = 1000, PageToken = token }, cancellationToken: ct);
                        return ((IEnumerable<Indicator>)page.Indicators, page.NextPageToken);
                    }),
                },
            };
            output.Write(result, _ => output.Table(["CODE", "GOAL", "UNIT", "REPORTERS", "PER", "AT", "DIMENSIONS", "THRESHOLD", "ENABLED"],
                result.Indicators.Select(i => (IReadOnlyList<string>)[i.Code, ((int)i.Goal).ToString(System.Globalization.CultureInfo.InvariantCulture), i.Unit,
                    string.Join(",", i.ReporterKinds.Select(Kinds.Name)), i.ReportingPeriod.ToString().ToLowerInvariant(), i.ReportingLevel == AreaLevel.County ? "county" : "kommun",
                    string.Join(",", i.Dimensions.Select(d => d.Code)),
                    i.SuppressionThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture), i.Enabled ? "yes" : "no"])));
        });
        return command;
    }

    private static Option<int> Crossed() =>
        Inputs.WholeNumber("--max-crossed-dimensions", "How many of its dimensions one query may break down at once (1–8). Default 2; 1 for a sparse register with many dimensions.", 1, 8);

    private static Option<int> Threshold() =>
        Inputs.WholeNumber("--threshold", "Suppression threshold: counts 1…threshold−1 are hidden in query results (2–100). Default 5.", 0, 100);

    private static Argument<string> CodeArgument() => new("code") { Description = "The indicator code." };

    private static Command Show()
    {
        var code = CodeArgument();
        var command = new Command("show", "Show one indicator, enabled or not, with its dimensions.") { code };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var response = await client.Admin.GetIndicatorAsync(new GetIndicatorRequest { IndicatorCode = parse.GetValue(code)! }, cancellationToken: ct);
            var i = response.Indicator;
            output.Write(response, w =>
            {
                Tables.Fields(w, ("Code", i.Code), ("Name", i.Name), ("Goal", ((int)i.Goal).ToString(System.Globalization.CultureInfo.InvariantCulture)), ("Unit", i.Unit),
                    ("Reporters", string.Join(", ", i.ReporterKinds.Select(Kinds.Name))), ("Threshold", i.SuppressionThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    ("Reported at", i.ReportingLevel == AreaLevel.County ? "county (county code)" : "kommun (kommunkod)"), ("Reported per", i.ReportingPeriod.ToString().ToLowerInvariant()),
                    ("Definition version", i.DefinitionVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    ("Dimensions at once", i.MaxCrossedDimensions.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    ("Enabled", i.Enabled ? "yes" : "no"), ("Description", i.Description));
                foreach (var d in i.Dimensions)
                {
                    w.WriteLine($"  {d.Code}: {string.Join(", ", d.Values)}");
                }
            });
        });
        return command;
    }

    private static Command Update()
    {
        var code = CodeArgument();
        var name = new Option<string?>("--name") { Description = "New name." };
        var unit = new Option<string?>("--unit") { Description = "New unit." };
        var description = new Option<string?>("--description") { Description = "New description." };
        var reporters = new Option<string[]>("--reporter-kind") { Description = "The kinds that may report it, replacing the current ones (repeat).", AllowMultipleArgumentsPerToken = true };
        var threshold = Threshold();
        var version = Inputs.WholeNumber("--definition-version", "Raise the definition version when what is counted changes: new cells are reported under it, and each version is queried as its own series.", 1, 1000);
        var crossed = Crossed();
        var reason = Reason();
        var command = new Command("update", "Change an indicator's name, unit, description, reporter kinds, threshold, definition version or publication depth; what is not given stays. Its code, goal, dimensions, reporting level and period never change.") { code, name, unit, description, reporters, threshold, version, crossed, reason };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var current = (await client.Admin.GetIndicatorAsync(new GetIndicatorRequest { IndicatorCode = parse.GetValue(code)! }, cancellationToken: ct)).Indicator;
            var changed = current.Clone();
            changed.Name = parse.GetValue(name) ?? current.Name;
            changed.Unit = parse.GetValue(unit) ?? current.Unit;
            changed.Description = parse.GetValue(description) ?? current.Description;
            if (parse.GetValue(reporters) is { Length: > 0 } kinds)
            {
                changed.ReporterKinds.Clear();
                changed.ReporterKinds.Add(kinds.Select(Kinds.Parse));
            }
            if (parse.GetResult(threshold) is not null)
            {
                changed.SuppressionThreshold = parse.GetValue(threshold);
            }
            if (parse.GetResult(version) is not null)
            {
                changed.DefinitionVersion = parse.GetValue(version);
            }
            if (parse.GetResult(crossed) is not null)
            {
                changed.MaxCrossedDimensions = parse.GetValue(crossed);
            }
            var response = await client.Admin.UpdateIndicatorAsync(new UpdateIndicatorRequest { Indicator = changed, Reason = parse.GetValue(reason)! }, cancellationToken: ct);
            output.Write(response, w => w.WriteLine($"Updated indicator {response.Indicator.Code}."));
        });
        return command;
    }

    private static Command Disable()
    {
        var code = CodeArgument();
        var reason = Reason();
        var command = new Command("disable", "Stop an indicator accepting cells; its data stays.") { code, reason };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var response = await client.Admin.DisableIndicatorAsync(new DisableIndicatorRequest { IndicatorCode = parse.GetValue(code)!, Reason = parse.GetValue(reason)! }, cancellationToken: ct);
            output.Write(response, w => w.WriteLine($"Disabled indicator {response.Indicator.Code}; its data stays."));
        });
        return command;
    }

    private static Option<string> Reason() =>
        new("--reason") { Description = "Why, for the audit log, e.g. the decision's reference (no personal data).", Required = true };
}
