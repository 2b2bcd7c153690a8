using Exchange.Server.Authorization;
using Exchange.Server.Storage;
using Scopes = Exchange.Contracts.Scopes;

namespace Exchange.Server.Tests.People;

public class MemberRolesTests
{
    [Fact]
    public void A_role_never_reaches_past_the_authoritys_own_grants()
    {
        // A police case worker: the police may send referrals, never receive them.
        var usable = MemberRoles.UsableScopes([MemberRoleKind.CaseWorker], [Scopes.ReferralsSend, Scopes.StatisticsReport, Scopes.Account]);

        Assert.Equal([Scopes.ReferralsSend], usable);
    }

    [Fact]
    public void A_person_never_gets_the_authoritys_account_scope()
    {
        var usable = MemberRoles.UsableScopes([MemberRoleKind.CaseWorker, MemberRoleKind.Analyst, MemberRoleKind.LocalAdministrator, MemberRoleKind.Operator],
            [Scopes.Account, Scopes.Admin, Scopes.StatisticsRead]);

        Assert.DoesNotContain(Scopes.Account, usable);
        Assert.Equal([Scopes.Admin, Scopes.Members, Scopes.StatisticsRead], usable.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Only_the_local_administrator_role_gives_the_members_scope()
    {
        Assert.DoesNotContain(Scopes.Members, MemberRoles.UsableScopes([MemberRoleKind.CaseWorker, MemberRoleKind.Analyst, MemberRoleKind.Operator], Scopes.Grantable));
        Assert.Equal([Scopes.Members], MemberRoles.UsableScopes([MemberRoleKind.LocalAdministrator], []));
    }

    [Fact]
    public void Every_role_has_a_name_and_scopes()
    {
        foreach (var role in Enum.GetValues<MemberRoleKind>())
        {
            Assert.NotEmpty(MemberRoles.Name(role));
            Assert.NotEmpty(MemberRoles.ScopesOf([role]));
        }
    }
}
