using Exchange.Contracts;
using Exchange.Server.Storage;

namespace Exchange.Server.Authorization;

/// <summary>
/// Which scopes each kind of party may ever hold, whatever an operator grants. This is the hard
/// boundary under the grants: the county never touches referrals, operators never see referral
/// content, and only operators administer.
/// </summary>
public static class KindPolicy
{
    private static readonly Dictionary<PartyKind, string[]> Eligible = new()
    {
        [PartyKind.Police] = [Scopes.StatisticsReport, Scopes.StatisticsRead, Scopes.ReferralsSend],
        [PartyKind.Region] = [Scopes.StatisticsReport, Scopes.StatisticsRead, Scopes.ReferralsSend, Scopes.ReferralsReceive],
        [PartyKind.Municipality] = [Scopes.StatisticsReport, Scopes.StatisticsRead, Scopes.ReferralsSend, Scopes.ReferralsReceive],
        [PartyKind.County] = [Scopes.StatisticsReport, Scopes.StatisticsRead],
        [PartyKind.Shelter] = [Scopes.StatisticsReport, Scopes.ReferralsSend, Scopes.ReferralsReceive],
        [PartyKind.Operator] = [Scopes.Admin],
    };

    /// <summary>The grants a newly registered party of this kind typically gets (docs/architecture.md's table of parties; the demo seed uses it).</summary>
    private static readonly Dictionary<PartyKind, string[]> Typical = new()
    {
        [PartyKind.Police] = [Scopes.StatisticsReport, Scopes.ReferralsSend],
        [PartyKind.Region] = [Scopes.StatisticsReport, Scopes.StatisticsRead, Scopes.ReferralsSend, Scopes.ReferralsReceive],
        [PartyKind.Municipality] = [Scopes.StatisticsReport, Scopes.StatisticsRead, Scopes.ReferralsSend, Scopes.ReferralsReceive],
        [PartyKind.County] = [Scopes.StatisticsRead],
        [PartyKind.Shelter] = [Scopes.StatisticsReport, Scopes.ReferralsReceive],
        [PartyKind.Operator] = [Scopes.Admin],
    };

    public static bool MayHold(PartyKind kind, string scope) => Eligible.TryGetValue(kind, out var scopes) && scopes.Contains(scope);

    public static IReadOnlyList<string> EligibleScopes(PartyKind kind) => Eligible.GetValueOrDefault(kind, []);

    public static IReadOnlyList<string> TypicalScopes(PartyKind kind) => Typical.GetValueOrDefault(kind, []);
}
