using System.Text.RegularExpressions;
using Exchange.V1;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Web.Referrals;

/// <summary>
/// The "Ny remiss" form: what a case worker types, checked as the exchange's consent rules check it
/// (README "The consent rules"), with errors keyed by the request's field paths, so that the server's
/// field violations land next to the same fields. Dates are Swedish calendar dates: consent given on a
/// day counts from its start, and runs to the end of its last day.
/// </summary>
public sealed partial class ReferralForm
{
    /// <summary>How far ahead of the exchange's clock a consent time may be.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>The longest a consent may run.</summary>
    public static readonly TimeSpan LongestConsent = TimeSpan.FromDays(366);

    /// <summary>One idempotency key per filled-in form: sending again after a lost answer is the same referral.</summary>
    public string RequestId { get; private set; } = NewRequestId();

    public string RecipientAuthorityId { get; set; } = "";

    public IdentifierType IdentifierType { get; set; } = IdentifierType.Personnummer;
    public string Identifier { get; set; } = "";
    public string GivenName { get; set; } = "";
    public string FamilyName { get; set; } = "";
    public ProtectionLevel ProtectionLevel { get; set; }

    public string Phone { get; set; } = "";
    public string Email { get; set; } = "";
    public string StreetAddress { get; set; } = "";
    public string PostalCode { get; set; } = "";
    public string City { get; set; } = "";

    public ReasonCategory ReasonCategory { get; set; }
    public string Message { get; set; } = "";

    public ConsentGrantor Grantor { get; set; }
    public ConsentMethod Method { get; set; }
    public string DocumentedBy { get; set; } = "";
    public string Purpose { get; set; } = "";
    /// <summary>The person consented to this very recipient.</summary>
    public bool ConsentNamesRecipient { get; set; }
    public bool CoversIdentity { get; set; }
    public bool CoversContact { get; set; }
    public bool CoversCaseDescription { get; set; }
    public DateTime? GivenDate { get; set; }
    public DateTime? ExpireDate { get; set; }

    public bool IsProtected => ProtectionLevel is ProtectionLevel.Sekretessmarkering or ProtectionLevel.SkyddadFolkbokforing;

    public bool HasContact =>
        (Phone.Trim().Length + Email.Trim().Length + StreetAddress.Trim().Length + PostalCode.Trim().Length + City.Trim().Length) > 0;

    public DateTimeOffset? GivenTime => GivenDate is { } d ? SwedishTime.At(DateOnly.FromDateTime(d), TimeOnly.MinValue) : null;

    public DateTimeOffset? ExpireTime => ExpireDate is { } d ? SwedishTime.At(DateOnly.FromDateTime(d), new TimeOnly(23, 59, 59)) : null;

    /// <summary>Starts a new form's idempotency key, after a referral was sent.</summary>
    public void NewSubmission() => RequestId = NewRequestId();

    private static string NewRequestId() => "web-" + Guid.NewGuid().ToString("N");

    /// <summary>Every problem, in Swedish, by field path (e.g. <c>consent.expire_time</c>); empty when the form may be sent.</summary>
    public IReadOnlyDictionary<string, string> Validate(DateTimeOffset now)
    {
        var errors = new Dictionary<string, string>();
        void Add(string field, string message) => errors.TryAdd(field, message);

        if (!SwedishIdentifiers.IsAuthorityId(RecipientAuthorityId.Trim()))
        {
            Add("recipient_authority_id", "Ange mottagarens myndighets-id, t.ex. kramfors-kommun.");
        }
        var identifier = NormalisedIdentifier;
        switch (IdentifierType)
        {
            case IdentifierType.Personnummer when !SwedishIdentifiers.IsPersonnummer(identifier):
                Add("subject.identifier", "Ange ett giltigt personnummer med 12 siffror (ÅÅÅÅMMDDNNNN).");
                break;
            case IdentifierType.Samordningsnummer when !SwedishIdentifiers.IsSamordningsnummer(identifier):
                Add("subject.identifier", "Ange ett giltigt samordningsnummer med 12 siffror (dag + 60).");
                break;
            case IdentifierType.ReserveId when !SwedishIdentifiers.IsReserveId(identifier):
                Add("subject.identifier", "Ett reservnummer är 1–32 bokstäver och siffror.");
                break;
            case IdentifierType.Unspecified:
                Add("subject.identifier_type", "Välj typ av identitet.");
                break;
        }
        Length(errors, GivenName, "subject.given_name", "Förnamn", 1, 100);
        Length(errors, FamilyName, "subject.family_name", "Efternamn", 1, 100);
        if (ProtectionLevel == ProtectionLevel.Unspecified)
        {
            Add("subject.protection_level", "Ange skyddsnivå enligt folkbokföringen.");
        }
        if (HasContact)
        {
            if (IsProtected)
            {
                Add("subject.contact", "Kontaktuppgifter får inte skickas för en person med sekretessmarkering eller skyddad folkbokföring. Töm fälten; mottagaren kontaktar personen via er.");
            }
            else
            {
                if (Phone.Trim().Length > 0 && !PhonePattern().IsMatch(Phone.Trim()))
                {
                    Add("subject.contact.phone", "Högst 32 siffror, mellanslag, + och -.");
                }
                if (Email.Trim().Length > 0 && (Email.Trim().Length > 254 || !EmailPattern().IsMatch(Email.Trim())))
                {
                    Add("subject.contact.email", "Ange en e-postadress.");
                }
                Length(errors, StreetAddress, "subject.contact.street_address", "Gatuadress", 0, 200);
                if (PostalCode.Trim().Length > 0 && !PostalCodePattern().IsMatch(PostalCode.Trim()))
                {
                    Add("subject.contact.postal_code", "Postnummer är 5 siffror, t.ex. 871 31.");
                }
                Length(errors, City, "subject.contact.city", "Ort", 0, 100);
            }
        }
        if (ReasonCategory == ReasonCategory.Unspecified)
        {
            Add("reason_category", "Välj skäl för remissen.");
        }
        if (Message.Length > 4000)
        {
            Add("message", "Meddelandet får vara högst 4 000 tecken.");
        }

        switch (Grantor)
        {
            case ConsentGrantor.Unspecified:
                Add("consent.grantor", "Ange vem som har samtyckt.");
                break;
            case ConsentGrantor.Guardian when IdentifierType != IdentifierType.ReserveId
                && SwedishIdentifiers.AgeOn(identifier, DateOnly.FromDateTime(GivenDate ?? now.Date)) is >= 18:
                Add("consent.grantor", "Personen är vuxen enligt personnumret och måste själv samtycka; vårdnadshavare samtycker bara för barn.");
                break;
        }
        if (Method == ConsentMethod.Unspecified)
        {
            Add("consent.method", "Ange om samtycket är skriftligt eller muntligt.");
        }
        Length(errors, DocumentedBy, "consent.documented_by", "Dokumenterat av", 1, 100);
        if (SwedishIdentifiers.ContainsPersonalIdentityNumber(DocumentedBy))
        {
            Add("consent.documented_by", "Ange ett tjänste-id, inte ett personnummer.");
        }
        Length(errors, Purpose, "consent.purpose", "Syfte", 1, 500);
        if (!ConsentNamesRecipient)
        {
            Add("consent.recipient_authority_id", "Samtycket måste gälla just denna mottagare.");
        }
        if (!CoversIdentity || !CoversCaseDescription || (HasContact && !CoversContact))
        {
            Add("consent.data_categories", HasContact
                ? "Samtycket måste omfatta identitet, kontaktuppgifter och ärendebeskrivning, som remissen innehåller."
                : "Samtycket måste omfatta identitet och ärendebeskrivning, som remissen alltid innehåller.");
        }
        var given = GivenTime;
        if (given is null)
        {
            Add("consent.given_time", "Ange när samtycket gavs.");
        }
        else if (given > now + ClockSkew)
        {
            Add("consent.given_time", "Samtycket kan inte vara givet i framtiden.");
        }
        var expires = ExpireTime;
        if (expires is null)
        {
            Add("consent.expire_time", "Ange när samtycket upphör (högst ett år efter att det gavs).");
        }
        else if (expires <= now)
        {
            Add("consent.expire_time", "Samtycket har gått ut: fråga personen igen.");
        }
        else if (given is not null && (expires <= given || expires - given > LongestConsent))
        {
            Add("consent.expire_time", "Samtycket måste upphöra efter att det gavs och gälla högst ett år.");
        }
        return errors;
    }

    private string NormalisedIdentifier =>
        IdentifierType == IdentifierType.ReserveId ? Identifier.Trim() : SwedishIdentifiers.Normalise(Identifier);

    private static void Length(Dictionary<string, string> errors, string value, string field, string name, int min, int max)
    {
        var length = value.Trim().Length;
        if (length < min)
        {
            errors.TryAdd(field, $"{name} krävs.");
        }
        else if (length > max)
        {
            errors.TryAdd(field, $"{name} får vara högst {max} tecken.");
        }
    }

    public Subject ToSubject()
    {
        var subject = new Subject
        {
            IdentifierType = IdentifierType,
            Identifier = NormalisedIdentifier,
            GivenName = GivenName.Trim(),
            FamilyName = FamilyName.Trim(),
            ProtectionLevel = ProtectionLevel,
        };
        if (HasContact)
        {
            subject.Contact = new ContactDetails
            {
                Phone = Phone.Trim(),
                Email = Email.Trim(),
                StreetAddress = StreetAddress.Trim(),
                PostalCode = PostalCode.Trim(),
                City = City.Trim(),
            };
        }
        return subject;
    }

    public Consent ToConsent()
    {
        var consent = new Consent
        {
            Grantor = Grantor,
            Method = Method,
            DocumentedBy = DocumentedBy.Trim(),
            Purpose = Purpose.Trim(),
            RecipientAuthorityId = ConsentNamesRecipient ? RecipientAuthorityId.Trim() : "",
            GivenTime = GivenTime is { } g ? Timestamp.FromDateTimeOffset(g) : null,
            ExpireTime = ExpireTime is { } e ? Timestamp.FromDateTimeOffset(e) : null,
        };
        if (CoversIdentity)
        {
            consent.DataCategories.Add(DataCategory.Identity);
        }
        if (CoversContact)
        {
            consent.DataCategories.Add(DataCategory.Contact);
        }
        if (CoversCaseDescription)
        {
            consent.DataCategories.Add(DataCategory.CaseDescription);
        }
        return consent;
    }

    [GeneratedRegex("^[+0-9][0-9 +-]{0,31}$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex("^[0-9]{3} ?[0-9]{2}$")]
    private static partial Regex PostalCodePattern();
}
