using Exchange.Client;
using Exchange.V1;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.EndToEndTests;

/// <summary>Referrals as the tests send them: a synthetic person, and a consent that is valid unless a test breaks it.</summary>
public static class ReferralTestData
{
    // Synthetic identities with valid check digits; no real person's.
    public const string Personnummer = "198112189876";
    public const string ChildPersonnummer = "201509302384";
    public const string GivenName = "Testperson";
    public const string FamilyName = "Exempelsdotter";
    public const string Phone = "070-1234567";
    public const string Message = "Kontakta henne via mottagningen, hon vill ha stöd i boendefrågan.";

    /// <summary>A recipient of <paramref name="kind"/> that holds referrals.receive and takes referrals from <paramref name="accepts"/>.</summary>
    public static async Task<(ExchangeClient Client, string Id)> NewRecipientAsync(this ExchangeServer server, AuthorityKind kind, params AuthorityKind[] accepts)
    {
        var (client, id) = await server.NewAuthorityInAsync(kind, kind == AuthorityKind.Municipality ? ["2282"] : [], "referrals.receive");
        using var admin = server.Operator();
        var authority = (await admin.Admin.GetAuthorityAsync(new GetAuthorityRequest { AuthorityId = id })).Authority;
        authority.AcceptsReferralsFrom.Add(accepts);
        await admin.Admin.UpdateAuthorityAsync(new UpdateAuthorityRequest { Authority = authority });
        return (client, id);
    }

    public static SendReferralRequest Referral(string recipientId, DateTimeOffset now, string? requestId = null) => new()
    {
        RequestId = requestId ?? Guid.NewGuid().ToString("N"),
        RecipientAuthorityId = recipientId,
        Subject = new Subject
        {
            IdentifierType = IdentifierType.Personnummer,
            Identifier = Personnummer,
            GivenName = GivenName,
            FamilyName = FamilyName,
            ProtectionLevel = ProtectionLevel.None,
            Contact = new ContactDetails { Phone = Phone },
        },
        ReasonCategory = ReasonCategory.IntimatePartnerViolence,
        Message = Message,
        Consent = new Consent
        {
            Grantor = ConsentGrantor.Subject,
            GivenTime = Timestamp.FromDateTimeOffset(now.AddMinutes(-30)),
            Method = ConsentMethod.Written,
            DocumentedBy = "polis-4711",
            DataCategories = { DataCategory.Identity, DataCategory.Contact, DataCategory.CaseDescription },
            Purpose = "Stöd från socialtjänsten efter polisens insats.",
            RecipientAuthorityId = recipientId,
            ExpireTime = Timestamp.FromDateTimeOffset(now.AddDays(90)),
        },
    };
}
