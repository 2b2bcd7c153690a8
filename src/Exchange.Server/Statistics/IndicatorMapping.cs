using Exchange.Server.Storage;
using Exchange.Server.Validation;
using Exchange.V1;

namespace Exchange.Server.Statistics;

/// <summary>Indicators between stored rows and the wire.</summary>
internal static class IndicatorMapping
{
    public static Indicator ToProto(this IndicatorEntity i) => new()
    {
        Code = i.Code,
        Name = i.Name,
        Description = i.Description,
        // The regional plan numbers its goals 1–4, and PlanGoal keeps those numbers on the wire.
        Goal = (PlanGoal)i.Goal,
        Unit = i.Unit,
        ReporterKinds = { i.ReporterKinds.Select(k => k.ToWire()) },
        Dimensions = { i.Dimensions.Select(d => new Dimension { Code = d.Code, Name = d.Name, Values = { d.Values } }) },
        SuppressionThreshold = i.SuppressionThreshold,
        Enabled = i.Enabled,
        ReportingLevel = i.ReportingLevel == AreaLevelKind.County ? AreaLevel.County : AreaLevel.Municipality,
        ReportingPeriod = i.ReportingPeriod.ToWire(),
        DefinitionVersion = i.DefinitionVersion,
        MaxCrossedDimensions = i.MaxCrossedDimensions,
    };

    public static IndicatorEntity ToEntity(this Indicator i) => new()
    {
        Code = i.Code,
        Name = i.Name,
        Description = i.Description,
        Goal = (int)i.Goal,
        Unit = i.Unit,
        // Validated before: every kind is a defined one.
        ReporterKinds = [.. i.ReporterKinds.Select(k => k.ToParty() ?? throw new ArgumentOutOfRangeException(nameof(i), k, "Unvalidated reporter kind."))],
        Dimensions = [.. i.Dimensions.Select(d => new IndicatorDimension { Code = d.Code, Name = d.Name, Values = [.. d.Values] })],
        SuppressionThreshold = i.SuppressionThreshold,
        ReportingLevel = i.ReportingLevel == AreaLevel.County ? AreaLevelKind.County : AreaLevelKind.Municipality,
        // Validated before: a defined period type.
        ReportingPeriod = i.ReportingPeriod.ToKind() ?? PeriodKind.Month,
        DefinitionVersion = i.DefinitionVersion,
        MaxCrossedDimensions = i.MaxCrossedDimensions,
    };
}
