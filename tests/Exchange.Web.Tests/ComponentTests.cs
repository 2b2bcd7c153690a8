using Bunit;
using Exchange.V1;
using Exchange.Web.People;
using Exchange.Web.Referrals;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Exchange.Web.Tests;

public sealed class ComponentTests : BunitContext
{
    public ComponentTests()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public void The_no_membership_page_shows_the_person_reference_in_groups_of_five()
    {
        var page = Render<NoMembership>(p => p.Add(c => c.Reference, "ABCDEFGHIJKLMNOPQRST"));

        Assert.Equal("ABCDE-FGHIJ-KLMNO-PQRST", page.Find("[data-testid=person-reference]").TextContent);
        Assert.Contains("lokala administratör", page.Find("[data-testid=no-membership]").TextContent);
    }

    private static Referral Referral(ProtectionLevel level) => new()
    {
        Summary = new ReferralSummary { Id = "r1", SenderAuthorityId = "polisregion-nord", RecipientAuthorityId = "kramfors-kommun", Status = ReferralStatus.Received },
        Subject = new Subject
        {
            IdentifierType = IdentifierType.Personnummer, Identifier = "198112189876", GivenName = "Testperson", FamilyName = "Exempelsdotter",
            ProtectionLevel = level,
        },
        Message = "Vill ha stöd.",
        Consent = new Consent { Grantor = ConsentGrantor.Subject, Method = ConsentMethod.Oral, DocumentedBy = "polis-4711", RecipientAuthorityId = "kramfors-kommun" },
    };

    [Fact]
    public void A_person_with_skyddad_folkbokforing_is_shown_under_an_alert_banner()
    {
        var view = Render<ReferralView>(p => p.Add(c => c.Referral, Referral(ProtectionLevel.SkyddadFolkbokforing)));

        var banner = view.Find("[data-testid=protected-identity]");
        Assert.Equal("alert", banner.GetAttribute("role"));
        Assert.Contains("Skyddad folkbokföring", banner.TextContent);
        Assert.Contains("Testperson Exempelsdotter", view.Find("[data-testid=subject]").TextContent);
    }

    [Fact]
    public void A_person_without_protection_gets_no_banner()
    {
        var view = Render<ReferralView>(p => p.Add(c => c.Referral, Referral(ProtectionLevel.None)));

        Assert.Empty(view.FindAll("[data-testid=protected-identity]"));
        Assert.NotEmpty(view.FindAll("[data-testid=subject]"));
    }

    [Fact]
    public void An_erased_referral_shows_no_person_and_says_the_data_is_gone()
    {
        var tombstone = new Referral
        {
            Summary = new ReferralSummary
            {
                Id = "r1", Status = ReferralStatus.Revoked,
                EraseTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            },
        };

        var view = Render<ReferralView>(p => p.Add(c => c.Referral, tombstone));

        Assert.Empty(view.FindAll("[data-testid=subject]"));
        Assert.Contains("raderade", view.Find("[data-testid=erased]").TextContent);
    }
}
