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

/// <summary>The scopes a person's token may carry, which decide what the pages offer.</summary>
public static class Scopes
{
    public const string ReferralsReceive = "referrals.receive";
    public const string ReferralsSend = "referrals.send";
    public const string Members = "members";
    public const string Admin = "admin";
}
