using Exchange.Server.Storage;
using Exchange.Server.Validation;
using Exchange.V1;

namespace Exchange.Server.Tests.Validation;

public class KindMappingTests
{
    public static TheoryData<AuthorityKind> WireKinds() => [.. Enum.GetValues<AuthorityKind>().Where(k => k != AuthorityKind.Unspecified)];

    public static TheoryData<PartyKind> StoredKinds() => [.. Enum.GetValues<PartyKind>()];

    [Theory]
    [MemberData(nameof(WireKinds))]
    public void Every_wire_kind_has_the_stored_kind_of_its_name_and_back(AuthorityKind kind)
    {
        var party = kind.ToParty();
        Assert.NotNull(party);
        Assert.Equal(kind.ToString(), party.Value.ToString());
        Assert.Equal(kind, party.Value.ToWire());
    }

    [Theory]
    [MemberData(nameof(StoredKinds))]
    public void Every_stored_kind_has_a_wire_kind(PartyKind kind) => Assert.Equal(kind, kind.ToWire().ToParty());

    [Theory]
    [InlineData(AuthorityKind.Unspecified)]
    [InlineData((AuthorityKind)99)]
    public void Unspecified_and_unknown_wire_kinds_have_no_stored_kind(AuthorityKind kind) => Assert.Null(kind.ToParty());
}
