using Exchange.V1;

namespace Exchange.Admin.Commands;

/// <summary>The words operators type for enum values.</summary>
internal static class Kinds
{
    public static readonly string[] AuthorityKindNames = ["police", "region", "municipality", "county", "shelter", "operator"];

    public static AuthorityKind Parse(string name) => name switch
    {
        "police" => AuthorityKind.Police,
        "region" => AuthorityKind.Region,
        "municipality" => AuthorityKind.Municipality,
        "county" => AuthorityKind.County,
        "shelter" => AuthorityKind.Shelter,
        "operator" => AuthorityKind.Operator,
        _ => throw new AdminUsageException($"Unknown kind '{name}'; use one of {string.Join(", ", AuthorityKindNames)}."),
    };

    public static string Name(AuthorityKind kind) => kind switch
    {
        AuthorityKind.Police => "police",
        AuthorityKind.Region => "region",
        AuthorityKind.Municipality => "municipality",
        AuthorityKind.County => "county",
        AuthorityKind.Shelter => "shelter",
        AuthorityKind.Operator => "operator",
        _ => "unspecified",
    };
}
