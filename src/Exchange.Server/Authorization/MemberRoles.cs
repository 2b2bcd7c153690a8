using Exchange.Server.Storage;
using Scopes = Exchange.Contracts.Scopes;

namespace Exchange.Server.Authorization;

/// <summary>
/// What each role of a person gives: scopes, always within what the person's authority itself holds
/// (its grants and its kind), so that a role never reaches past the authority. The members scope is
/// the one exception: it exists only for people, over their own authority's members.
/// </summary>
public static class MemberRoles
{
    private static readonly Dictionary<MemberRoleKind, string[]> Given = new()
    {
        [MemberRoleKind.CaseWorker] = [Scopes.ReferralsSend, Scopes.ReferralsReceive],
        [MemberRoleKind.Analyst] = [Scopes.StatisticsReport, Scopes.StatisticsRead],
        [MemberRoleKind.LocalAdministrator] = [Scopes.Members],
        [MemberRoleKind.Operator] = [Scopes.Admin],
    };

    /// <summary>The scopes the roles name, before the authority's own grants limit them.</summary>
    public static HashSet<string> ScopesOf(IEnumerable<MemberRoleKind> roles) =>
        roles.SelectMany(r => Given.GetValueOrDefault(r, [])).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The scopes a person with <paramref name="roles"/> may use for an authority that may use
    /// <paramref name="authorityScopes"/> now: never the account scope (a person does not manage the
    /// authority's credentials).
    /// </summary>
    public static HashSet<string> UsableScopes(IEnumerable<MemberRoleKind> roles, IEnumerable<string> authorityScopes)
    {
        var usable = authorityScopes.Where(s => s != Scopes.Account).Append(Scopes.Members).ToHashSet(StringComparer.Ordinal);
        usable.IntersectWith(ScopesOf(roles));
        return usable;
    }

    /// <summary>The role names of the token exchange's response.</summary>
    public static string Name(MemberRoleKind role) => role switch
    {
        MemberRoleKind.CaseWorker => "case-worker",
        MemberRoleKind.Analyst => "analyst",
        MemberRoleKind.LocalAdministrator => "local-administrator",
        MemberRoleKind.Operator => "operator",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "A stored role without a name."),
    };
}
