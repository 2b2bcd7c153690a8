using Exchange.V1;

namespace Exchange.Web.People;

/// <summary>Member roles as the token exchange names them, and in Swedish.</summary>
public static class Roles
{
    public const string CaseWorker = "case-worker";
    public const string Analyst = "analyst";
    public const string LocalAdministrator = "local-administrator";
    public const string Operator = "operator";

    public static string Swedish(string role) => role switch
    {
        CaseWorker => "Handläggare",
        Analyst => "Analytiker",
        LocalAdministrator => "Lokal administratör",
        Operator => "Operatör",
        _ => role,
    };

    public static string Swedish(MemberRole role) => role switch
    {
        MemberRole.CaseWorker => "Handläggare",
        MemberRole.Analyst => "Analytiker",
        MemberRole.LocalAdministrator => "Lokal administratör",
        MemberRole.Operator => "Operatör",
        _ => "Okänd roll",
    };
}
