using System.Security.Cryptography;
using Exchange.Server.Referrals;
using Exchange.Server.Storage;
using Exchange.V1;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Server.Tests.Referrals;

public class ReferralRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static SendReferralRequest Valid() => new()
    {
        RequestId = "r-1",
        RecipientAuthorityId = "kramfors-kommun",
        Subject = new Subject
        {
            IdentifierType = IdentifierType.Personnummer,
            Identifier = "198112189876",
            GivenName = "Test",
            FamilyName = "Person",
            ProtectionLevel = ProtectionLevel.None,
        },
        ReasonCategory = ReasonCategory.IntimatePartnerViolence,
        Consent = new Consent
        {
            Grantor = ConsentGrantor.Subject,
            GivenTime = Timestamp.FromDateTimeOffset(Now.AddHours(-1)),
            Method = ConsentMethod.Oral,
            DocumentedBy = "staff-1",
            DataCategories = { DataCategory.Identity, DataCategory.CaseDescription },
            Purpose = "Support.",
            RecipientAuthorityId = "kramfors-kommun",
            ExpireTime = Timestamp.FromDateTimeOffset(Now.AddMonths(6)),
        },
    };

    private static List<string> Fields(SendReferralRequest request) => [.. ReferralRules.Check(request, Now).Items.Select(v => v.Field)];

    [Fact]
    public void A_complete_consent_naming_the_recipient_passes() => Assert.Empty(Fields(Valid()));

    [Fact]
    public void Consent_exactly_a_year_long_passes_and_a_day_more_does_not()
    {
        var year = Valid();
        year.Consent.ExpireTime = Timestamp.FromDateTimeOffset(Now.AddHours(-1).AddDays(366));
        var longer = Valid();
        longer.Consent.ExpireTime = Timestamp.FromDateTimeOffset(Now.AddHours(-1).AddDays(367));
        Assert.Empty(Fields(year));
        Assert.Equal(["consent.expire_time"], Fields(longer));
    }

    [Fact]
    public void Contact_details_need_the_contact_category()
    {
        var request = Valid();
        request.Subject.Contact = new ContactDetails { Email = "a@example.se" };
        Assert.Equal(["consent.data_categories"], Fields(request));
        request.Consent.DataCategories.Add(DataCategory.Contact);
        Assert.Empty(Fields(request));
    }

    [Theory]
    [InlineData(ProtectionLevel.Sekretessmarkering)]
    [InlineData(ProtectionLevel.SkyddadFolkbokforing)]
    public void A_protected_subject_carries_no_contact_details(ProtectionLevel level)
    {
        var request = Valid();
        request.Subject.ProtectionLevel = level;
        request.Subject.Contact = new ContactDetails { City = "Kramfors" };
        request.Consent.DataCategories.Add(DataCategory.Contact);
        Assert.Equal(["subject.contact"], Fields(request));
    }

    [Theory]
    [InlineData("201509302384", 11, true)]
    [InlineData("198112189876", 44, false)]
    [InlineData("200812010007", 17, true)] // the day before the 18th birthday
    public void A_guardian_consents_for_a_child_only(string personnummer, int age, bool allowed)
    {
        var request = Valid();
        request.Subject.Identifier = personnummer;
        request.Consent.Grantor = ConsentGrantor.Guardian;
        request.Consent.GivenTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal(age, ReferralRules.AgeAt(request.Subject, request.Consent.GivenTime.ToDateTimeOffset()));
        Assert.Equal(allowed, Fields(request).Count == 0);
    }

    [Fact]
    public void Violations_never_carry_the_values()
    {
        var request = Valid();
        request.Subject.Identifier = "198112189875";
        request.Subject.GivenName = new string('x', 101);
        request.Consent.DocumentedBy = "198112189876";
        var text = string.Join(" ", ReferralRules.Check(request, Now).Items.Select(v => v.Description));
        Assert.Equal(3, ReferralRules.Check(request, Now).Items.Count);
        Assert.DoesNotContain("19811218987", text, StringComparison.Ordinal);
        Assert.DoesNotContain("xxxx", text, StringComparison.Ordinal);
    }
}

public class ReferralLifecycleTests
{
    public static TheoryData<ReferralState, ReferralState, bool> Moves()
    {
        var data = new TheoryData<ReferralState, ReferralState, bool>();
        var allowed = new HashSet<(ReferralState, ReferralState)>
        {
            (ReferralState.Requested, ReferralState.Received),
            (ReferralState.Received, ReferralState.Accepted),
            (ReferralState.Received, ReferralState.Rejected),
            (ReferralState.Accepted, ReferralState.Completed),
        };
        foreach (var from in System.Enum.GetValues<ReferralState>())
        {
            foreach (var to in System.Enum.GetValues<ReferralState>())
            {
                data.Add(from, to, allowed.Contains((from, to)));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Moves))]
    public void Only_the_lifecycles_own_steps_are_allowed(ReferralState from, ReferralState to, bool allowed) =>
        Assert.Equal(allowed, ReferralLifecycle.MayMove(from, to));
}

public class ReferralSealTests
{
    [Fact]
    public void Sealed_data_opens_only_with_its_key_for_its_referral()
    {
        var key = ReferralSeal.NewDataKey();
        var sealedBytes = ReferralSeal.Seal(key, "personal"u8.ToArray(), "r1", ReferralSeal.Payload);

        Assert.Equal("personal"u8.ToArray(), ReferralSeal.Open(key, sealedBytes, "r1", ReferralSeal.Payload));
        Assert.ThrowsAny<CryptographicException>(() => ReferralSeal.Open(ReferralSeal.NewDataKey(), sealedBytes, "r1", ReferralSeal.Payload));
        Assert.ThrowsAny<CryptographicException>(() => ReferralSeal.Open(key, sealedBytes, "r2", ReferralSeal.Payload));
        sealedBytes[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => ReferralSeal.Open(key, sealedBytes, "r1", ReferralSeal.Payload));
    }
}
