using Exchange.Contracts;
using Exchange.Server.Storage;
using Exchange.Server.Validation;

namespace Exchange.Server.Authorization;

/// <summary>
/// The data-level rules, in one place: what an admitted caller may touch inside a call. Scopes say
/// which RPCs a caller reaches; these rules say which rows.
/// </summary>
public static class DataRules
{
    /// <summary>
    /// A reporter reports only for areas it speaks for: the areas it is registered for (a
    /// municipality its own kommunkod, a shelter the kommuner it serves), and every kommunkod of a
    /// county it is registered for (the police and the region report by municipality across their county).
    /// </summary>
    public static bool MayReportArea(Caller caller, string areaCode) =>
        caller.Has(Scopes.StatisticsReport)
        && (caller.AreaCodes.Contains(areaCode, StringComparer.Ordinal) || (areaCode.Length == 4 && caller.AreaCodes.Contains(areaCode[..2], StringComparer.Ordinal)));

    /// <summary>Disclosure-controlled aggregates are for readers; a reporter without statistics.read reads only its own cells.</summary>
    public static bool MayReadAggregates(Caller caller) => caller.Has(Scopes.StatisticsRead);

    /// <summary>Raw cells are readable by their reporter only: the query reads the caller's own rows and no one else's.</summary>
    public static bool MayReadOwnCells(Caller caller) => caller.Has(Scopes.StatisticsReport);

    /// <summary>A reporter reports only indicators whose catalogue entry names its kind.</summary>
    public static bool MayReportIndicator(Caller caller, IndicatorEntity indicator) =>
        caller.Has(Scopes.StatisticsReport) && indicator.Enabled && indicator.ReporterKinds.Contains(caller.Kind);

    /// <summary>Personal data of a referral is readable by its recipient only, and never by the county or an operator.</summary>
    public static bool MayReadReferralContent(Caller caller, string recipientAuthorityId) =>
        caller.Has(Scopes.ReferralsReceive) && caller.AuthorityId == recipientAuthorityId && KindPolicy.MayHold(caller.Kind, Scopes.ReferralsReceive);

    /// <summary>The status of a referral is visible to its sender and its recipient.</summary>
    public static bool MaySeeReferralStatus(Caller caller, string senderAuthorityId, string recipientAuthorityId) =>
        (caller.Has(Scopes.ReferralsSend) && caller.AuthorityId == senderAuthorityId) || MayReadReferralContent(caller, recipientAuthorityId);

    /// <summary>An operator may not disable its own authority, which would lock every operator out.</summary>
    public static void EnsureMayDisable(Caller caller, string authorityId)
    {
        if (caller.AuthorityId == authorityId)
        {
            throw new DomainException(DomainError.FailedPrecondition, "An operator cannot disable its own authority.");
        }
    }
}
