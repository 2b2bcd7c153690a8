using ArchUnitNET.Fluent.Slices;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Exchange.Server.Tests.Architecture;

/// <summary>
/// The server's capability folders depend on each other one way (docs/architecture.md: Hosting → capability
/// folders → Storage; Authorization is called by the others): a new cycle or a wrong-way reference fails here.
/// </summary>
public class DependencyTests
{
    private static readonly ArchUnitNET.Domain.Architecture Server = new ArchLoader().LoadAssemblies(typeof(Exchange.Server.Storage.ExchangeDbContext).Assembly).Build();

    private static ArchUnitNET.Fluent.Syntax.Elements.Types.GivenTypesConjunctionWithDescription Folder(string name) =>
        Types().That().ResideInNamespaceMatching($@"^Exchange\.Server\.{name}(\..*)?$").As(name);

    [Fact]
    public void Capability_folders_reference_each_other_without_cycles() =>
        SliceRuleDefinition.Slices().Matching("Exchange.Server.(*)").Should().BeFreeOfCycles().Check(Server);

    [Theory]
    [InlineData("Account")]
    [InlineData("Admin")]
    [InlineData("Audit")]
    [InlineData("Authorization")]
    [InlineData("Bootstrap")]
    [InlineData("Configuration")]
    [InlineData("Identity")]
    [InlineData("People")]
    [InlineData("Referrals")]
    [InlineData("Statistics")]
    [InlineData("Storage")]
    [InlineData("Telemetry")]
    [InlineData("Validation")]
    public void Only_hosting_knows_hosting(string folder) =>
        Types().That().Are(Folder(folder)).Should().NotDependOnAny(Folder("Hosting")).Check(Server);

    [Fact]
    public void Authorization_calls_no_capability_only_audit_storage_and_validation() =>
        Types().That().Are(Folder("Authorization")).Should()
            .NotDependOnAny(Folder("Account")).AndShould().NotDependOnAny(Folder("Admin")).AndShould().NotDependOnAny(Folder("Bootstrap"))
            .AndShould().NotDependOnAny(Folder("Identity")).AndShould().NotDependOnAny(Folder("Referrals")).AndShould().NotDependOnAny(Folder("Statistics"))
            .AndShould().NotDependOnAny(Folder("People")).AndShould().NotDependOnAny(Folder("Population"))
            .Check(Server);

    [Fact]
    public void Storage_depends_on_no_capability_only_configuration() =>
        Types().That().Are(Folder("Storage")).Should()
            .NotDependOnAny(Types().That().ResideInNamespaceMatching(@"^Exchange\.Server\.(?!Storage|Configuration)[A-Za-z]+(\..*)?$")).Check(Server);

    [Fact]
    public void Configuration_depends_on_no_other_folder() =>
        Types().That().Are(Folder("Configuration")).Should()
            .NotDependOnAny(Types().That().ResideInNamespaceMatching(@"^Exchange\.Server\.(?!Configuration)[A-Za-z]+(\..*)?$")).Check(Server);
}
