using Exchange.Server.Admin;
using Exchange.Server.Storage;
using Exchange.V1;

namespace Exchange.Server.Tests.Admin;

public class AuthorityRulesTests
{
    [Fact]
    public void Shelter_needs_a_non_profit_organisation_number() =>
        Assert.Contains(AuthorityRules.Check(PartyKind.Shelter, "2120002411", []).Items, v => v.Field == "authority.organisation_number");

    [Fact]
    public void Municipality_needs_a_kommunkod()
    {
        Assert.False(AuthorityRules.Check(PartyKind.Municipality, "2120002411", []).IsEmpty);
        Assert.False(AuthorityRules.Check(PartyKind.Municipality, "2120002411", ["22"]).IsEmpty);
        Assert.True(AuthorityRules.Check(PartyKind.Municipality, "2120002411", ["2281"]).IsEmpty);
    }

    [Fact]
    public void Every_bad_field_of_a_new_authority_is_reported_at_once()
    {
        var (_, violations) = AdminRequestValidator.Authority(new Authority { Id = "X", Name = "", OrganisationNumber = "123" }, creating: true);
        Assert.Equal(["authority.id", "authority.name", "authority.organisation_number", "authority.kind"], violations.Items.Select(v => v.Field));
    }

    [Fact]
    public void Valid_authority_is_normalised()
    {
        var (entity, violations) = AdminRequestValidator.Authority(
            new Authority { Id = "sundsvall-kommun", Name = "Sundsvalls kommun", Kind = AuthorityKind.Municipality, OrganisationNumber = "212000-2411", AreaCodes = { "2281" } }, creating: true);
        Assert.True(violations.IsEmpty);
        Assert.Equal("2120002411", entity.OrganisationNumber);
        Assert.Equal(PartyKind.Municipality, entity.Kind);
    }

    [Fact]
    public void Grant_state_follows_time_and_revocation()
    {
        var now = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        GrantEntity Grant(DateTimeOffset from, DateTimeOffset? to, DateTimeOffset? revoked = null) =>
            new() { Id = "g", AuthorityId = "a", Scope = "admin", ValidFrom = from, ValidTo = to, RevokedAt = revoked, GrantedBy = "op", Reason = "r" };

        Assert.Equal(GrantStatus.Active, GrantAdministration.StatusAt(Grant(now.AddDays(-1), null), now));
        Assert.Equal(GrantStatus.Pending, GrantAdministration.StatusAt(Grant(now.AddDays(1), null), now));
        Assert.Equal(GrantStatus.Expired, GrantAdministration.StatusAt(Grant(now.AddDays(-2), now), now));
        Assert.Equal(GrantStatus.Revoked, GrantAdministration.StatusAt(Grant(now.AddDays(-2), null, now.AddDays(-1)), now));
    }
}
