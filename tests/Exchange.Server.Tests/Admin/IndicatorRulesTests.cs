using Exchange.Server.Admin;
using Exchange.V1;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.Server.Tests.Admin;

public class IndicatorRulesTests
{
    private static Indicator Valid() => new()
    {
        Code = "shelter_county_contacts",
        Name = "Contacts",
        Goal = PlanGoal.DetectionAndProtection,
        Unit = "contacts",
        ReporterKinds = { AuthorityKind.Police },
        ReportingLevel = AreaLevel.County,
        ReportingPeriod = PeriodType.Quarter,
        Dimensions = { new Dimension { Code = "channel", Name = "Channel", Values = { "phone", "visit" } } },
    };

    private static IEnumerable<string> Refused(Indicator indicator)
    {
        var error = Assert.Throws<RpcException>(() => AdminRequestValidator.Indicator(indicator, creating: true));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        return error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field);
    }

    [Fact]
    public void A_county_level_indicator_is_not_for_kinds_that_speak_for_kommuner()
    {
        Assert.Equal("shelter_county_contacts", AdminRequestValidator.Indicator(Valid(), creating: true).Code);
        foreach (var kind in new[] { AuthorityKind.Shelter, AuthorityKind.Municipality })
        {
            var indicator = Valid();
            indicator.ReporterKinds.Add(kind);
            Assert.Equal(["indicator.reporting_level"], Refused(indicator));
        }
    }

    [Fact]
    public void Level_period_and_depth_are_required_and_bounded()
    {
        var noPeriod = Valid();
        noPeriod.ReportingPeriod = PeriodType.Unspecified;
        Assert.Equal(["indicator.reporting_period"], Refused(noPeriod));
        var noLevel = Valid();
        noLevel.ReportingLevel = AreaLevel.Unspecified;
        Assert.Equal(["indicator.reporting_level"], Refused(noLevel));
        var tooDeep = Valid();
        tooDeep.MaxCrossedDimensions = 2;
        Assert.Equal(["indicator.max_crossed_dimensions"], Refused(tooDeep));
    }
}
