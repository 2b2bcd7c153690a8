using Exchange.V1;

namespace Exchange.Admin.Commands;

/// <summary>The words operators type for enum values.</summary>
internal static class Kinds
{
    public static readonly string[] AuthorityKindNames = ["police", "region", "municipality", "county", "shelter", "operator", "web-app"];

    public static AuthorityKind Parse(string name) => name switch
    {
        "police" => AuthorityKind.Police,
        "region" => AuthorityKind.Region,
        "municipality" => AuthorityKind.Municipality,
        "county" => AuthorityKind.County,
        "shelter" => AuthorityKind.Shelter,
        "operator" => AuthorityKind.Operator,
        "web-app" => AuthorityKind.WebApp,
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
        AuthorityKind.WebApp => "web-app",
        _ => "unspecified",
    };

    public static readonly string[] MemberRoleNames = ["case-worker", "analyst", "local-administrator", "operator"];

    public static MemberRole ParseRole(string name) => name switch
    {
        "case-worker" => MemberRole.CaseWorker,
        "analyst" => MemberRole.Analyst,
        "local-administrator" => MemberRole.LocalAdministrator,
        "operator" => MemberRole.Operator,
        _ => throw new AdminUsageException($"Unknown role '{name}'; use one of {string.Join(", ", MemberRoleNames)}."),
    };

    public static string Name(MemberRole role) => role switch
    {
        MemberRole.CaseWorker => "case-worker",
        MemberRole.Analyst => "analyst",
        MemberRole.LocalAdministrator => "local-administrator",
        MemberRole.Operator => "operator",
        _ => "unspecified",
    };
}
