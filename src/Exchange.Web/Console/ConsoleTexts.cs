using System.Globalization;
using Exchange.Contracts;
using Exchange.V1;
using Exchange.Web.Referrals;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Web.Console;

/// <summary>Swedish names of the admin contract's codes, for the operator console.</summary>
public static class ConsoleTexts
{
    /// <summary>The kinds an operator registers (operators come from the server's configuration, but the server says so).</summary>
    public static readonly AuthorityKind[] Kinds =
    [
        AuthorityKind.Police, AuthorityKind.Region, AuthorityKind.Municipality, AuthorityKind.County, AuthorityKind.Shelter, AuthorityKind.Operator, AuthorityKind.WebApp,
    ];

    /// <summary>The kinds that may send referrals, which are the only ones an authority can take referrals from.</summary>
    public static readonly AuthorityKind[] ReferralSenders = [AuthorityKind.Police, AuthorityKind.Region, AuthorityKind.Municipality, AuthorityKind.Shelter];

    /// <summary>The kinds that may report an indicator.</summary>
    public static readonly AuthorityKind[] Reporters = [AuthorityKind.Police, AuthorityKind.Region, AuthorityKind.Municipality, AuthorityKind.County, AuthorityKind.Shelter];

    public static string Kind(AuthorityKind kind) => kind switch
    {
        AuthorityKind.Police => "Polis",
        AuthorityKind.Region => "Region",
        AuthorityKind.Municipality => "Kommun",
        AuthorityKind.County => "Länsstyrelse",
        AuthorityKind.Shelter => "Kvinnojour",
        AuthorityKind.Operator => "Operatör",
        AuthorityKind.WebApp => "Webbapp",
        _ => "Ej angiven",
    };

    public static string Scope(string scope) => scope switch
    {
        Scopes.StatisticsReport => "Rapportera statistik (statistics.report)",
        Scopes.StatisticsRead => "Läsa statistik (statistics.read)",
        Scopes.ReferralsSend => "Skicka remisser (referrals.send)",
        Scopes.ReferralsReceive => "Ta emot remisser (referrals.receive)",
        Scopes.Admin => "Administrera Exchange (admin)",
        _ => scope,
    };

    public static string GrantState(GrantState state) => state switch
    {
        V1.GrantState.Active => "Gäller",
        V1.GrantState.Pending => "Väntande",
        V1.GrantState.Expired => "Utgången",
        V1.GrantState.Revoked => "Återkallad",
        _ => "Okänd",
    };

    public static string CredentialType(CredentialType type) => type switch
    {
        V1.CredentialType.PublicKey => "Publik nyckel",
        V1.CredentialType.ClientSecret => "Klienthemlighet",
        _ => "Okänd",
    };

    public static string Origin(CredentialOrigin origin) => origin switch
    {
        CredentialOrigin.Onboarding => "Anslutning (operatör)",
        CredentialOrigin.SelfService => "Myndigheten själv",
        CredentialOrigin.BreakGlass => "Nödändring (två operatörer)",
        CredentialOrigin.System => "Servern",
        _ => "Okänt",
    };

    public static string ChangeState(CredentialChangeState state) => state switch
    {
        CredentialChangeState.Pending => "Väntar på en andra operatör",
        CredentialChangeState.Approved => "Godkänd",
        CredentialChangeState.Rejected => "Avslagen",
        CredentialChangeState.Expired => "Utgången",
        _ => "Okänd",
    };

    public static string Goal(PlanGoal goal) => goal switch
    {
        PlanGoal.Prevention => "1 Förebyggande arbete",
        PlanGoal.DetectionAndProtection => "2 Upptäckt, skydd och stöd",
        PlanGoal.CrimeFighting => "3 Brottsbekämpning",
        PlanGoal.KnowledgeAndMethods => "4 Kunskap och metoder",
        _ => "Ej angivet",
    };

    public static string Period(PeriodType period) => period switch
    {
        PeriodType.Month => "Månad",
        PeriodType.Quarter => "Kvartal",
        PeriodType.Year => "År",
        _ => "Ej angiven",
    };

    public static string Level(AreaLevel level) => level switch
    {
        AreaLevel.Municipality => "Kommun (kommunkod)",
        AreaLevel.County => "Län (länskod)",
        _ => "Ej angiven",
    };

    public static string Outcome(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Succeeded => "Utförd",
        AuditOutcome.Denied => "Nekad",
        _ => "",
    };

    /// <summary>A time in Swedish time to the minute, or empty.</summary>
    public static string Time(Timestamp? timestamp) => ReferralTexts.Time(timestamp);

    /// <summary>A time in Swedish time to the second, for the audit log.</summary>
    public static string Second(Timestamp? timestamp) =>
        timestamp is null ? "" : SwedishTime.ToLocal(timestamp.ToDateTimeOffset()).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Codes typed with commas or spaces between them, e.g. "2281, 2282".</summary>
    public static List<string> Codes(string? text) =>
        [.. (text ?? "").Split([',', ' ', ';', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>The start of a chosen day in Swedish time.</summary>
    public static Timestamp StartOf(DateTime day) => Timestamp.FromDateTimeOffset(SwedishTime.At(DateOnly.FromDateTime(day), TimeOnly.MinValue));

    /// <summary>The end of a chosen day in Swedish time, inclusive of that day (as exchange-admin's dates): midnight after it.</summary>
    public static Timestamp EndOf(DateTime day) => Timestamp.FromDateTimeOffset(SwedishTime.At(DateOnly.FromDateTime(day).AddDays(1), TimeOnly.MinValue));
}
