using Exchange.Contracts;
using Exchange.Server.Authorization;
using Exchange.Server.Storage;
using Exchange.Server.Validation;

namespace Exchange.Server.Tests.Authorization;

public class DataRulesTests
{
    private static readonly Caller Sundsvall = new("sundsvall-kommun", PartyKind.Municipality, ["2281"],
        new HashSet<string> { Scopes.StatisticsReport, Scopes.ReferralsSend, Scopes.ReferralsReceive });

    private static readonly Caller County = new("lansstyrelsen", PartyKind.County, ["22"], new HashSet<string> { Scopes.StatisticsRead });

    [Fact]
    public void Municipality_reports_only_its_own_kommunkod()
    {
        Assert.True(DataRules.MayReportArea(Sundsvall, "2281"));
        Assert.False(DataRules.MayReportArea(Sundsvall, "2280"));
        Assert.False(DataRules.MayReportArea(County, "22"));
    }

    [Fact]
    public void Reporter_reports_only_enabled_indicators_listing_its_kind()
    {
        var indicator = new IndicatorEntity { Code = "routine_questions_asked", Name = "n", Unit = "u", ReporterKinds = [PartyKind.Municipality] };
        Assert.True(DataRules.MayReportIndicator(Sundsvall, indicator));
        indicator.Enabled = false;
        Assert.False(DataRules.MayReportIndicator(Sundsvall, indicator));
        indicator.Enabled = true;
        indicator.ReporterKinds = [PartyKind.Police];
        Assert.False(DataRules.MayReportIndicator(Sundsvall, indicator));
    }

    [Fact]
    public void Only_the_recipient_reads_referral_content_and_the_sender_sees_status()
    {
        Assert.True(DataRules.MayReadReferralContent(Sundsvall, "sundsvall-kommun"));
        Assert.False(DataRules.MayReadReferralContent(Sundsvall, "timra-kommun"));
        Assert.True(DataRules.MaySeeReferralStatus(Sundsvall, "sundsvall-kommun", "kvinnojouren"));
        Assert.False(DataRules.MayReadReferralContent(Sundsvall with { AuthorityId = "polisen" }, "kvinnojouren"));
    }

    [Fact]
    public void County_never_reads_a_referral_even_if_addressed_to_it()
    {
        var countyWithForgedScope = County with { Scopes = new HashSet<string> { Scopes.ReferralsReceive } };
        Assert.False(DataRules.MayReadReferralContent(countyWithForgedScope, "lansstyrelsen"));
        Assert.False(DataRules.MaySeeReferralStatus(County, "x", "lansstyrelsen"));
    }

    [Fact]
    public void Operator_cannot_disable_itself()
    {
        var op = new Caller("exchange-operator", PartyKind.Operator, [], new HashSet<string> { Scopes.Admin });
        Assert.Equal(DomainError.FailedPrecondition, Assert.Throws<DomainException>(() => DataRules.EnsureMayDisable(op, "exchange-operator")).Error);
        DataRules.EnsureMayDisable(op, "sundsvall-kommun");
    }
}
