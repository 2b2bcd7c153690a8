namespace Exchange.Server.Identity;

/// <summary>The OAuth 2.0 scopes of the exchange.</summary>
public static class Scopes
{
    public const string StatisticsReport = "statistics.report";
    public const string StatisticsRead = "statistics.read";
    public const string ReferralsSend = "referrals.send";
    public const string ReferralsReceive = "referrals.receive";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [StatisticsReport, StatisticsRead, ReferralsSend, ReferralsReceive, Admin];

    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);
}
