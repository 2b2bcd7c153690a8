using Exchange.Server.Storage;
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
        Goal = (PlanGoal)i.Goal,
        Unit = i.Unit,
        ReporterKinds = { i.ReporterKinds.Select(k => (AuthorityKind)k) },
        Dimensions = { i.Dimensions.Select(d => new Dimension { Code = d.Code, Name = d.Name, Values = { d.Values } }) },
        SuppressionThreshold = i.SuppressionThreshold,
        Enabled = i.Enabled,
    };

    public static IndicatorEntity ToEntity(this Indicator i) => new()
    {
        Code = i.Code,
        Name = i.Name,
        Description = i.Description,
        Goal = (int)i.Goal,
        Unit = i.Unit,
        ReporterKinds = [.. i.ReporterKinds.Select(k => (PartyKind)k)],
        Dimensions = [.. i.Dimensions.Select(d => new IndicatorDimension { Code = d.Code, Name = d.Name, Values = [.. d.Values] })],
        SuppressionThreshold = i.SuppressionThreshold,
    };
}
