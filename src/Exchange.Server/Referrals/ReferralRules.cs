using System.Globalization;
using System.Text.RegularExpressions;
using Exchange.Server.Validation;
using Exchange.V1;

namespace Exchange.Server.Referrals;

/// <summary>
/// What a referral must be before the exchange carries it: a subject identified and named, a reason,
/// and a consent that is complete, valid now, names this recipient and covers every category of data
/// the referral carries. Every violation names its field and never the value: the values are
/// personal data.
/// </summary>
public static partial class ReferralRules
{
    /// <summary>How far a sender's clock may run ahead for the time consent was given.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>The longest a consent may run: a year from when it was given.</summary>
    public static readonly TimeSpan LongestConsent = TimeSpan.FromDays(366);

    public static FieldViolations Check(SendReferralRequest request, DateTimeOffset now)
    {
        var v = new FieldViolations();
        v.Require(Identifiers.IsRequestId(request.RequestId), "request_id", "Required: 1–64 letters, digits, '-' or '_'.");
        v.Require(Identifiers.IsAuthorityId(request.RecipientAuthorityId), "recipient_authority_id", "Required: the recipient's authority id.");
        Subject(v, request.Subject);
        v.Require(request.ReasonCategory != ReasonCategory.Unspecified && Enum.IsDefined(request.ReasonCategory), "reason_category", "Required: one of the reason categories.");
        v.Length(request.Message, "message", 0, 4000, multiline: true);
        Consent(v, request, now);
        return v;
    }

    private static void Subject(FieldViolations v, Subject? subject)
    {
        if (subject is null)
        {
            v.Add("subject", "Required: the person the referral is about.");
            return;
        }
        switch (subject.IdentifierType)
        {
            case IdentifierType.Personnummer:
                v.Require(Identifiers.IsPersonnummer(subject.Identifier), "subject.identifier", "Not a personnummer: 12 digits YYYYMMDDNNNC with a real date and a valid check digit.");
                break;
            case IdentifierType.Samordningsnummer:
                v.Require(Identifiers.IsSamordningsnummer(subject.Identifier), "subject.identifier", "Not a samordningsnummer: 12 digits, 60 added to the day, with a valid check digit.");
                break;
            case IdentifierType.ReserveId:
                v.Require(ReserveId().IsMatch(subject.Identifier), "subject.identifier", "A reserve id is 1–32 letters and digits.");
                break;
            default:
                v.Add("subject.identifier_type", "Required: personnummer, samordningsnummer or reserve id.");
                break;
        }
        v.Length(subject.GivenName, "subject.given_name", 1, 100);
        v.Length(subject.FamilyName, "subject.family_name", 1, 100);
        v.Require(subject.ProtectionLevel != ProtectionLevel.Unspecified && Enum.IsDefined(subject.ProtectionLevel), "subject.protection_level",
            "Required: none, sekretessmarkering or skyddad folkbokföring, as the population register says.");
        if (!HasContact(subject))
        {
            return;
        }
        if (subject.ProtectionLevel is ProtectionLevel.Sekretessmarkering or ProtectionLevel.SkyddadFolkbokforing)
        {
            // Refused rather than dropped: the sender must know that none of it was sent.
            v.Add("subject.contact", "Must be empty: the subject has sekretessmarkering or skyddad folkbokföring, so no address or contact details go through the exchange. The recipient contacts the person through the sender.");
            return;
        }
        var contact = subject.Contact;
        v.Require(contact.Phone.Length == 0 || Phone().IsMatch(contact.Phone), "subject.contact.phone", "At most 32 digits, spaces, '+' and '-', starting with a digit or '+'.");
        v.Require(contact.Email.Length == 0 || (contact.Email.Length <= 254 && Email().IsMatch(contact.Email)), "subject.contact.email", "An e-mail address of at most 254 characters.");
        v.Length(contact.StreetAddress, "subject.contact.street_address", 0, 200);
        v.Require(contact.PostalCode.Length == 0 || PostalCode().IsMatch(contact.PostalCode), "subject.contact.postal_code", "5 digits, e.g. 871 31 or 87131.");
        v.Length(contact.City, "subject.contact.city", 0, 100);
    }

    public static bool HasContact(Subject? subject) =>
        subject?.Contact is { } c && (c.Phone.Length + c.Email.Length + c.StreetAddress.Length + c.PostalCode.Length + c.City.Length) > 0;

    /// <summary>The categories of personal data a referral carries: identity and the case always, contact details when given.</summary>
    public static IReadOnlyList<DataCategory> CategoriesCarried(SendReferralRequest request) =>
        HasContact(request.Subject) ? [DataCategory.Identity, DataCategory.Contact, DataCategory.CaseDescription] : [DataCategory.Identity, DataCategory.CaseDescription];

    private static void Consent(FieldViolations v, SendReferralRequest request, DateTimeOffset now)
    {
        var consent = request.Consent;
        if (consent is null)
        {
            v.Add("consent", "Required: the person's consent to this referral.");
            return;
        }
        switch (consent.Grantor)
        {
            case ConsentGrantor.Subject:
                break;
            case ConsentGrantor.Guardian:
                // A guardian consents for a child only; where the identifier shows an adult, the adult consents.
                if (AgeAt(request.Subject, consent.GivenTime?.ToDateTimeOffset() ?? now) is >= 18)
                {
                    v.Add("consent.grantor", "A guardian consents only for a child; by its identifier the subject is an adult, who must consent themself.");
                }
                break;
            default:
                v.Add("consent.grantor", "Required: the subject, or a guardian of a child.");
                break;
        }
        v.Require(consent.Method is ConsentMethod.Written or ConsentMethod.Oral, "consent.method", "Required: written or oral.");
        v.Length(consent.DocumentedBy, "consent.documented_by", 1, 100);
        v.Require(!Identifiers.ContainsPersonalIdentityNumber(consent.DocumentedBy), "consent.documented_by", "A staff identifier, not a personnummer.");
        v.Length(consent.Purpose, "consent.purpose", 1, 500, multiline: true);
        if (!Identifiers.IsAuthorityId(consent.RecipientAuthorityId))
        {
            v.Add("consent.recipient_authority_id", "Required: the authority the person consented to receive the referral.");
        }
        else if (consent.RecipientAuthorityId != request.RecipientAuthorityId)
        {
            v.Add("consent.recipient_authority_id", "The consent names another recipient than this referral's: the person consented to that recipient only.");
        }
        var categories = consent.DataCategories.ToHashSet();
        if (categories.Count == 0 || categories.Any(c => c == DataCategory.Unspecified || !Enum.IsDefined(c)))
        {
            v.Add("consent.data_categories", "Required: the categories of data the person consented to share (identity, contact, case description).");
        }
        else if (CategoriesCarried(request).Where(c => !categories.Contains(c)).ToList() is { Count: > 0 } missing)
        {
            v.Add("consent.data_categories", $"The consent does not cover {string.Join(" and ", missing.Select(Name))}, which this referral carries.");
        }
        var given = consent.GivenTime?.ToDateTimeOffset();
        if (given is null)
        {
            v.Add("consent.given_time", "Required: when the person consented.");
        }
        else if (given > now + ClockSkew)
        {
            v.Add("consent.given_time", "In the future: consent must be given before the referral is sent.");
        }
        var expires = consent.ExpireTime?.ToDateTimeOffset();
        if (expires is null)
        {
            v.Add("consent.expire_time", "Required: when the consent ends, at most a year after it was given.");
        }
        else if (expires <= now)
        {
            v.Add("consent.expire_time", "The consent has expired: ask the person again.");
        }
        else if (given is not null && (expires <= given || expires - given > LongestConsent))
        {
            v.Add("consent.expire_time", "Must be after consent was given and at most a year after it.");
        }
    }

    private static string Name(DataCategory category) => category switch
    {
        DataCategory.Identity => "identity",
        DataCategory.Contact => "contact details",
        _ => "the case description",
    };

    /// <summary>Whole years of age at a time, from a personnummer or samordningsnummer; null when the identifier does not tell.</summary>
    public static int? AgeAt(Subject? subject, DateTimeOffset at)
    {
        if (subject is null || subject.IdentifierType is not (IdentifierType.Personnummer or IdentifierType.Samordningsnummer)
            || !(Identifiers.IsPersonnummer(subject.Identifier) || Identifiers.IsSamordningsnummer(subject.Identifier)))
        {
            return null;
        }
        var year = int.Parse(subject.Identifier.AsSpan(0, 4), CultureInfo.InvariantCulture);
        var month = int.Parse(subject.Identifier.AsSpan(4, 2), CultureInfo.InvariantCulture);
        var day = int.Parse(subject.Identifier.AsSpan(6, 2), CultureInfo.InvariantCulture) % 60;
        var date = at.UtcDateTime;
        var age = date.Year - year;
        return date.Month < month || (date.Month == month && date.Day < day) ? age - 1 : age;
    }

    [GeneratedRegex("^[A-Za-z0-9]{1,32}$")]
    private static partial Regex ReserveId();

    [GeneratedRegex("^[+0-9][0-9 +-]{0,31}$")]
    private static partial Regex Phone();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex Email();

    [GeneratedRegex("^[0-9]{3} ?[0-9]{2}$")]
    private static partial Regex PostalCode();
}
