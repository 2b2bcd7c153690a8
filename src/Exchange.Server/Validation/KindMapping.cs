using Exchange.Server.Storage;
using Exchange.V1;

namespace Exchange.Server.Validation;

/// <summary>
/// The wire's <see cref="AuthorityKind"/> and the store's <see cref="PartyKind"/>, mapped name by name
/// rather than cast: the contract's numbers can never change and the store's are its own, so a cast
/// would hold only until one of them moves. A test checks that every kind has its counterpart.
/// </summary>
public static class KindMapping
{
    /// <summary>The stored kind, or null for <c>AUTHORITY_KIND_UNSPECIFIED</c> and numbers the contract does not define.</summary>
    public static PartyKind? ToParty(this AuthorityKind kind) => kind switch
    {
        AuthorityKind.Police => PartyKind.Police,
        AuthorityKind.Region => PartyKind.Region,
        AuthorityKind.Municipality => PartyKind.Municipality,
        AuthorityKind.County => PartyKind.County,
        AuthorityKind.Shelter => PartyKind.Shelter,
        AuthorityKind.Operator => PartyKind.Operator,
        AuthorityKind.WebApp => PartyKind.WebApp,
        _ => null,
    };

    public static AuthorityKind ToWire(this PartyKind kind) => kind switch
    {
        PartyKind.Police => AuthorityKind.Police,
        PartyKind.Region => AuthorityKind.Region,
        PartyKind.Municipality => AuthorityKind.Municipality,
        PartyKind.County => AuthorityKind.County,
        PartyKind.Shelter => AuthorityKind.Shelter,
        PartyKind.Operator => AuthorityKind.Operator,
        PartyKind.WebApp => AuthorityKind.WebApp,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A stored kind the contract has no name for."),
    };
}
