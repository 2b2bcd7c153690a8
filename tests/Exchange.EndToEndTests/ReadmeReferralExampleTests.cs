using Exchange.Client;
using Exchange.V1;
using Google.Protobuf.WellKnownTypes;
using Xunit.Abstractions;

namespace Exchange.EndToEndTests;

/// <summary>The README's referral example, run as written against the demo parties: police → Kramfors.</summary>
[Collection(SharedServer.Name)]
public class ReadmeReferralExampleTests(ExchangeServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task The_police_refer_a_person_to_Kramfors_who_reads_and_accepts_until_consent_is_withdrawn()
    {
        var lines = new List<string>();
        // As in README.md, from here on (Console.WriteLine → lines.Add).
        using var police = server.Demo("polisregion-nord");
        using var kramfors = server.Demo("kramfors-kommun");
        var now = DateTimeOffset.UtcNow;

        var subject = new Subject
        {
            IdentifierType = IdentifierType.Personnummer, Identifier = "198112189876",
            GivenName = "Testperson", FamilyName = "Exempelsdotter",
            ProtectionLevel = ProtectionLevel.None,
            Contact = new ContactDetails { Phone = "070-1234567" },
        };
        var consent = new Consent
        {
            Grantor = ConsentGrantor.Subject, Method = ConsentMethod.Oral, DocumentedBy = "polis-4711",
            GivenTime = Timestamp.FromDateTimeOffset(now.AddMinutes(-20)),
            ExpireTime = Timestamp.FromDateTimeOffset(now.AddMonths(3)),
            DataCategories = { DataCategory.Identity, DataCategory.Contact, DataCategory.CaseDescription },
            Purpose = "Stöd från socialtjänsten efter polisens insats.",
            RecipientAuthorityId = "kramfors-kommun",
        };
        var sent = await police.Referrals.SendAsync("kramfors-kommun", subject, ReasonCategory.IntimatePartnerViolence,
            "Vill ha stöd i boendefrågan; nås säkrast dagtid.", consent, requestId: "polisen-2026-4711");
        lines.Add($"sent {sent.Id}: {sent.Status}");

        var waiting = await kramfors.Referrals.ListAllAsync(ReferralBox.Inbox, ReferralStatus.Requested).FirstAsync();
        var read = (await kramfors.Referrals.OpenAsync(waiting.Id)).Referral;
        lines.Add($"Kramfors reads {read.Subject.GivenName} {read.Subject.FamilyName}, {read.Subject.Contact.Phone}: {read.Summary.Status}");
        await kramfors.Referrals.AcceptAsync(waiting.Id);

        var seen = await police.Referrals.OpenAsync(sent.Id);
        lines.Add($"police see: subject {(seen.Referral.Subject is null ? "not shown" : "shown")}, receipts {string.Join(", ", seen.Receipts.Select(r => r.Status))}");

        var tombstone = await police.Referrals.WithdrawAsync(sent.Id);
        lines.Add($"after withdrawal: {tombstone.Status}, erased {tombstone.EraseTime.ToDateTimeOffset():u}");
        // Up to here.
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }

        Assert.Equal(sent.Id, read.Summary.Id);
        Assert.Equal($"Kramfors reads Testperson Exempelsdotter, 070-1234567: Received", lines[1]);
        Assert.Equal("police see: subject not shown, receipts Received, Accepted", lines[2]);
        Assert.StartsWith("after withdrawal: Revoked, erased ", lines[3], StringComparison.Ordinal);
    }
}
