using Exchange.Contracts;
using Exchange.Server.Authorization;
using Exchange.Server.Storage;

namespace Exchange.Server.Tests.Authorization;

public class KindPolicyTests
{
    [Theory]
    [InlineData(Scopes.ReferralsSend)]
    [InlineData(Scopes.ReferralsReceive)]
    [InlineData(Scopes.Admin)]
    public void County_never_holds_referral_or_admin_scopes(string scope) => Assert.False(KindPolicy.MayHold(PartyKind.County, scope));

    [Fact]
    public void Operator_holds_admin_only()
    {
        Assert.Equal([Scopes.Admin], KindPolicy.EligibleScopes(PartyKind.Operator));
        foreach (var kind in Enum.GetValues<PartyKind>().Where(k => k != PartyKind.Operator))
        {
            Assert.False(KindPolicy.MayHold(kind, Scopes.Admin));
        }
    }

    [Fact]
    public void Typical_grants_are_always_eligible()
    {
        // A web app holds no grant: it only exchanges its people's ID tokens.
        Assert.Empty(KindPolicy.EligibleScopes(PartyKind.WebApp));
        foreach (var kind in Enum.GetValues<PartyKind>().Where(k => k != PartyKind.WebApp))
        {
            Assert.NotEmpty(KindPolicy.TypicalScopes(kind));
            Assert.All(KindPolicy.TypicalScopes(kind), scope => Assert.True(KindPolicy.MayHold(kind, scope), $"{kind} {scope}"));
        }
    }

    [Fact]
    public void Every_exchange_rpc_declares_known_scopes()
    {
        var rules = new ScopeRequirements();
        Assert.Equal(5 + 7 + 24 + 5 + 4 + 2, rules.Paths.Count()); // statistics, referrals, admin, account, members, population
        foreach (var path in rules.Paths)
        {
            var scopes = rules.RequiredScopes(path);
            Assert.NotEmpty(scopes);
            Assert.All(scopes, s => Assert.True(Scopes.All.Contains(s), $"{path}: {s}"));
        }
    }

    [Fact]
    public void Admin_rpcs_need_the_admin_scope_only()
    {
        var rules = new ScopeRequirements();
        Assert.All(rules.Paths.Where(p => p.StartsWith("/exchange.v1.AdminService/", StringComparison.Ordinal)),
            path => Assert.Equal([Scopes.Admin], rules.RequiredScopes(path)));
        Assert.Empty(rules.RequiredScopes("/exchange.v1.AdminService/NoSuchMethod"));
    }

    [Fact]
    public void Population_is_imported_by_operators_and_read_with_statistics_read()
    {
        var rules = new ScopeRequirements();
        Assert.Equal([Scopes.Admin], rules.RequiredScopes("/exchange.v1.PopulationService/ImportPopulation"));
        Assert.Equal([Scopes.StatisticsRead, Scopes.Admin], rules.RequiredScopes("/exchange.v1.PopulationService/ListPopulation"));
    }

    [Theory]
    [InlineData("grpc.health.v1.Health", true)]
    [InlineData("grpc.reflection.v1alpha.ServerReflection", true)]
    [InlineData("grpc.reflection.v1.ServerReflection", true)]
    [InlineData("exchange.v1.AdminService", false)]
    [InlineData("Grpc.Health.V1.Health", false)]
    [InlineData("some.other.Service", false)]
    public void Only_health_and_reflection_are_open(string service, bool open) => Assert.Equal(open, ScopeRequirements.IsOpen(service));
}
