using Exchange.V1;
using Exchange.Web.Referrals;

namespace Exchange.Web.Tests;

public sealed class ReferralFormTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    // 198112189876 is the README's valid test personnummer.
    private static ReferralForm Valid() => new()
    {
        RecipientAuthorityId = "kramfors-kommun",
        IdentifierType = IdentifierType.Personnummer,
        Identifier = "19811218-9876",
        GivenName = "Testperson",
        FamilyName = "Exempelsdotter",
        ProtectionLevel = ProtectionLevel.None,
        Phone = "070-1234567",
        ReasonCategory = ReasonCategory.IntimatePartnerViolence,
        Message = "Vill ha stöd.",
        Grantor = ConsentGrantor.Subject,
        Method = ConsentMethod.Oral,
        DocumentedBy = "polis-4711",
        Purpose = "Stöd från socialtjänsten.",
        ConsentNamesRecipient = true,
        CoversIdentity = true,
        CoversContact = true,
        CoversCaseDescription = true,
        GivenDate = new DateTime(2026, 3, 10),
        ExpireDate = new DateTime(2026, 6, 10),
    };

    [Fact]
    public void A_complete_form_has_no_errors_and_builds_the_request_parts()
    {
        var form = Valid();

        Assert.Empty(form.Validate(Now));
        Assert.Equal("198112189876", form.ToSubject().Identifier);
        Assert.Equal("070-1234567", form.ToSubject().Contact.Phone);
        var consent = form.ToConsent();
        Assert.Equal("kramfors-kommun", consent.RecipientAuthorityId);
        Assert.Equal([DataCategory.Identity, DataCategory.Contact, DataCategory.CaseDescription], consent.DataCategories);
    }

    [Fact]
    public void A_personnummer_with_a_wrong_check_digit_is_refused_at_its_field()
    {
        var form = Valid();
        form.Identifier = "198112189875";

        Assert.Contains("subject.identifier", form.Validate(Now).Keys);
    }

    [Fact]
    public void A_samordningsnummer_needs_sixty_added_to_the_day()
    {
        var form = Valid();
        form.IdentifierType = IdentifierType.Samordningsnummer;
        form.Identifier = "198112189876";

        Assert.Contains("subject.identifier", form.Validate(Now).Keys);
    }

    [Theory]
    [InlineData(ProtectionLevel.SkyddadFolkbokforing)]
    [InlineData(ProtectionLevel.Sekretessmarkering)]
    public void Contact_details_are_refused_for_a_protected_person(ProtectionLevel level)
    {
        var form = Valid();
        form.ProtectionLevel = level;

        Assert.Contains("subject.contact", form.Validate(Now).Keys);
    }

    [Fact]
    public void A_protected_person_without_contact_details_may_be_referred()
    {
        var form = Valid();
        form.ProtectionLevel = ProtectionLevel.SkyddadFolkbokforing;
        form.Phone = "";
        form.CoversContact = false;

        Assert.Empty(form.Validate(Now));
        Assert.Null(form.ToSubject().Contact);
    }

    [Fact]
    public void Consent_must_cover_contact_details_when_the_referral_carries_them()
    {
        var form = Valid();
        form.CoversContact = false;

        Assert.Contains("consent.data_categories", form.Validate(Now).Keys);
    }

    [Fact]
    public void Consent_must_name_this_recipient()
    {
        var form = Valid();
        form.ConsentNamesRecipient = false;

        Assert.Contains("consent.recipient_authority_id", form.Validate(Now).Keys);
        Assert.Equal("", form.ToConsent().RecipientAuthorityId);
    }

    [Fact]
    public void Consent_given_in_the_future_is_refused()
    {
        var form = Valid();
        form.GivenDate = new DateTime(2026, 3, 12);

        Assert.Contains("consent.given_time", form.Validate(Now).Keys);
    }

    [Fact]
    public void Expired_consent_is_refused()
    {
        var form = Valid();
        form.GivenDate = new DateTime(2026, 1, 1);
        form.ExpireDate = new DateTime(2026, 3, 1);

        Assert.Contains("consent.expire_time", form.Validate(Now).Keys);
    }

    [Fact]
    public void Consent_may_run_a_year_but_not_longer()
    {
        var form = Valid();
        form.ExpireDate = new DateTime(2027, 3, 10);
        Assert.DoesNotContain("consent.expire_time", form.Validate(Now).Keys);

        form.ExpireDate = new DateTime(2027, 3, 12);
        Assert.Contains("consent.expire_time", form.Validate(Now).Keys);
    }

    [Fact]
    public void A_guardian_cannot_consent_for_an_adult()
    {
        var form = Valid();
        form.Grantor = ConsentGrantor.Guardian;

        Assert.Contains("consent.grantor", form.Validate(Now).Keys);
    }

    [Fact]
    public void A_personnummer_is_not_a_staff_identifier()
    {
        var form = Valid();
        form.DocumentedBy = "19811218-9876";

        Assert.Contains("consent.documented_by", form.Validate(Now).Keys);
    }

    [Fact]
    public void An_empty_form_names_every_required_field()
    {
        var errors = new ReferralForm { IdentifierType = IdentifierType.Personnummer }.Validate(Now);

        Assert.Superset(new HashSet<string>
        {
            "recipient_authority_id", "subject.identifier", "subject.given_name", "subject.family_name", "subject.protection_level",
            "reason_category", "consent.grantor", "consent.method", "consent.documented_by", "consent.purpose",
            "consent.recipient_authority_id", "consent.data_categories", "consent.given_time", "consent.expire_time",
        }, errors.Keys.ToHashSet());
    }

    [Fact]
    public void The_request_id_stays_for_a_form_until_a_new_submission()
    {
        var form = Valid();
        var first = form.RequestId;

        Assert.Equal(first, form.RequestId);
        Assert.Matches("^[A-Za-z0-9_-]{1,64}$", first);
        form.NewSubmission();
        Assert.NotEqual(first, form.RequestId);
    }
}
