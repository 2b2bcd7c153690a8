namespace Exchange.EndToEndTests.Web;

/// <summary>The browser tests share one running system (<see cref="WebSystem"/>) and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class SharedWebSystem : ICollectionFixture<WebSystem>
{
    public const string Name = "Web system";
}
