using Exchange.V1;

namespace Exchange.Web.Console;

/// <summary>What an operator types about an indicator, for CreateIndicator and UpdateIndicator.</summary>
public sealed class IndicatorForm
{
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public PlanGoal Goal { get; set; }
    public string Unit { get; set; } = "";
    public HashSet<AuthorityKind> ReporterKinds { get; } = [];
    public List<DimensionRow> Dimensions { get; } = [];

    /// <summary>0: the server's default (5).</summary>
    public int SuppressionThreshold { get; set; }

    public AreaLevel ReportingLevel { get; set; } = AreaLevel.Municipality;
    public PeriodType ReportingPeriod { get; set; } = PeriodType.Month;

    /// <summary>0: the server's default (2) on create, keep it on update.</summary>
    public int MaxCrossedDimensions { get; set; }

    /// <summary>On update: the version to raise to (the server refuses a lower one).</summary>
    public int DefinitionVersion { get; set; }

    /// <summary>Why it was changed, for the audit log (update only).</summary>
    public string Reason { get; set; } = "";

    /// <summary>One dimension: a code, a name and its value codes with commas between them.</summary>
    public sealed class DimensionRow
    {
        public string Code { get; set; } = "";
        public string Name { get; set; } = "";
        public string Values { get; set; } = "";
    }

    public static IndicatorForm From(Indicator indicator)
    {
        ArgumentNullException.ThrowIfNull(indicator);
        var form = new IndicatorForm
        {
            Code = indicator.Code,
            Name = indicator.Name,
            Description = indicator.Description,
            Goal = indicator.Goal,
            Unit = indicator.Unit,
            SuppressionThreshold = indicator.SuppressionThreshold,
            ReportingLevel = indicator.ReportingLevel,
            ReportingPeriod = indicator.ReportingPeriod,
            MaxCrossedDimensions = indicator.MaxCrossedDimensions,
            DefinitionVersion = indicator.DefinitionVersion,
        };
        form.ReporterKinds.UnionWith(indicator.ReporterKinds);
        form.Dimensions.AddRange(indicator.Dimensions.Select(d => new DimensionRow { Code = d.Code, Name = d.Name, Values = string.Join(", ", d.Values) }));
        return form;
    }

    /// <summary>The indicator as the request carries it; the server checks every field and names each bad one.</summary>
    public Indicator ToIndicator()
    {
        var indicator = new Indicator
        {
            Code = Code.Trim(),
            Name = Name.Trim(),
            Description = Description.Trim(),
            Goal = Goal,
            Unit = Unit.Trim(),
            ReporterKinds = { ReporterKinds.Order() },
            SuppressionThreshold = SuppressionThreshold,
            ReportingLevel = ReportingLevel,
            ReportingPeriod = ReportingPeriod,
            MaxCrossedDimensions = MaxCrossedDimensions,
            DefinitionVersion = DefinitionVersion,
        };
        foreach (var row in Dimensions)
        {
            var code = row.Code.Trim();
            indicator.Dimensions.Add(new Dimension
            {
                Code = code,
                // As exchange-admin names a dimension typed as code=values.
                Name = row.Name.Trim().Length > 0 ? row.Name.Trim() : code.Replace('_', ' '),
                Values = { ConsoleTexts.Codes(row.Values) },
            });
        }
        return indicator;
    }
}
