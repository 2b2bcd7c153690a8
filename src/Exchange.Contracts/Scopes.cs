namespace Exchange.Contracts;

/// <summary>
/// The OAuth 2.0 scopes of the exchange, one list for the server, the client library and
/// <c>exchange-admin</c>. Each RPC names the scopes it needs in the contract's
/// <c>(exchange.v1.required_scopes)</c> option; a server test checks those names are these.
/// </summary>
public static class Scopes
{
    public const string StatisticsReport = "statistics.report";
    public const string StatisticsRead = "statistics.read";
    public const string ReferralsSend = "referrals.send";
    public const string ReferralsReceive = "referrals.receive";
    public const string Admin = "admin";

    /// <summary>
    /// An authority's own credentials: list them, rotate its key, replace its secret, read every change
    /// to them. Every enabled authority holds it by being one; it is never granted, and a token carries it
    /// only when asked for, for a short lifetime.
    /// </summary>
    public const string Account = "account";

    /// <summary>
    /// The members of the caller's own authority (MemberService): carried only by a token issued for a
    /// person with the local administrator role. Never granted, never issued to an authority's system.
    /// </summary>
    public const string Members = "members";

    /// <summary>The scopes an operator grants.</summary>
    public static readonly IReadOnlyList<string> Grantable = [StatisticsReport, StatisticsRead, ReferralsSend, ReferralsReceive, Admin];

    /// <summary>Every scope the token endpoint knows.</summary>
    public static readonly IReadOnlyList<string> All = [.. Grantable, Account, Members];

    public static bool IsGrantable(string scope) => Grantable.Contains(scope, StringComparer.Ordinal);
}
