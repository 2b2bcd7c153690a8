using Exchange.V1;

namespace Exchange.Web.Referrals;

/// <summary>Swedish names of the contract's codes.</summary>
public static class ReferralTexts
{
    public static string Status(ReferralStatus status) => status switch
    {
        ReferralStatus.Requested => "Ny",
        ReferralStatus.Received => "Mottagen",
        ReferralStatus.Accepted => "Accepterad",
        ReferralStatus.Rejected => "Avvisad",
        ReferralStatus.Completed => "Avslutad",
        ReferralStatus.Revoked => "Återkallad",
        _ => "Okänd",
    };

    public static string Reason(ReasonCategory reason) => reason switch
    {
        ReasonCategory.IntimatePartnerViolence => "Våld i nära relation (partner)",
        ReasonCategory.FamilyViolence => "Våld från annan närstående",
        ReasonCategory.HonourRelatedViolence => "Hedersrelaterat våld och förtryck",
        ReasonCategory.SexualViolence => "Sexuellt våld",
        ReasonCategory.ChildWitness => "Barn som bevittnat våld",
        ReasonCategory.ProstitutionAndTrafficking => "Prostitution och människohandel",
        ReasonCategory.Other => "Annat (se meddelandet)",
        _ => "Ej angiven",
    };

    public static string Rejection(RejectionReason reason) => reason switch
    {
        RejectionReason.OutsideMandate => "Utanför vårt uppdrag",
        RejectionReason.NotResponsible => "Annan aktör ansvarar",
        RejectionReason.NoCapacity => "Ingen kapacitet just nu",
        RejectionReason.DeclinedByPerson => "Personen avböjde kontakt",
        RejectionReason.Duplicate => "Dubblett",
        RejectionReason.InsufficientInformation => "Otillräckligt underlag",
        _ => "",
    };

    public static string Protection(ProtectionLevel level) => level switch
    {
        ProtectionLevel.None => "Ingen",
        ProtectionLevel.Sekretessmarkering => "Sekretessmarkering",
        ProtectionLevel.SkyddadFolkbokforing => "Skyddad folkbokföring",
        _ => "Ej angiven",
    };

    public static string Identifier(IdentifierType type) => type switch
    {
        IdentifierType.Personnummer => "Personnummer",
        IdentifierType.Samordningsnummer => "Samordningsnummer",
        IdentifierType.ReserveId => "Reservnummer",
        _ => "Ej angiven",
    };

    public static string Grantor(ConsentGrantor grantor) => grantor switch
    {
        ConsentGrantor.Subject => "Personen själv",
        ConsentGrantor.Guardian => "Vårdnadshavare (för barn)",
        _ => "Ej angiven",
    };

    public static string Method(ConsentMethod method) => method switch
    {
        ConsentMethod.Written => "Skriftligt",
        ConsentMethod.Oral => "Muntligt",
        _ => "Ej angivet",
    };

    public static string Category(DataCategory category) => category switch
    {
        DataCategory.Identity => "Identitet",
        DataCategory.Contact => "Kontaktuppgifter",
        DataCategory.CaseDescription => "Ärendebeskrivning",
        _ => "Okänd",
    };

    /// <summary>What the sender sees in the outbox: the status, and the reason of a rejection.</summary>
    public static string Receipt(ReferralSummary referral) =>
        referral.Status == ReferralStatus.Rejected && referral.RejectionReason != RejectionReason.Unspecified
            ? $"{Status(referral.Status)}: {Rejection(referral.RejectionReason)}"
            : Status(referral.Status);

    /// <summary>A time in Swedish local time, e.g. 2026-03-01 14:05.</summary>
    public static string Time(Google.Protobuf.WellKnownTypes.Timestamp? timestamp) =>
        timestamp is null ? "–" : SwedishTime.ToLocal(timestamp.ToDateTimeOffset()).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Swedish local time (Europe/Stockholm), in which dates in forms are meant.</summary>
public static class SwedishTime
{
    private static readonly TimeZoneInfo Zone = Find();

    private static TimeZoneInfo Find()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.Utc;
        }
    }

    public static DateTimeOffset ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    public static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(ToLocal(time.GetUtcNow()).DateTime);

    /// <summary>The instant a local date and time of day stands for.</summary>
    public static DateTimeOffset At(DateOnly date, TimeOnly timeOfDay)
    {
        var local = date.ToDateTime(timeOfDay, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }
}
