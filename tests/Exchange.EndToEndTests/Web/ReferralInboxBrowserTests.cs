using System.Text.RegularExpressions;
using Exchange.V1;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Exchange.EndToEndTests.Web;

/// <summary>
/// Case workers in a real browser (headless Chromium) against the real server, web app and
/// development IdP: the referral inbox, the outbox, and what a person may not see.
/// </summary>
[Collection(SharedWebSystem.Name)]
[Trait("Category", "Browser")]
public partial class ReferralInboxBrowserTests(WebSystem system)
{
    private async Task<string> PoliceSendAsync(Action<SendReferralRequest>? change = null)
    {
        using var police = system.Server.Demo("polisregion-nord");
        var request = ReferralTestData.Referral("kramfors-kommun", DateTimeOffset.UtcNow);
        change?.Invoke(request);
        return (await police.Referrals.SendReferralAsync(request)).Referral.Id;
    }

    [Fact]
    public async Task A_police_referral_appears_live_in_Kramfors_inbox_is_read_and_accepted_and_the_police_outbox_shows_the_receipt()
    {
        var karin = await system.LogInAsync("Karin Berg");
        await system.OpenAsync(karin, "/inkorg");
        await WebSystem.AssertAccessibleAsync(karin, "the inbox");
        var unreadBefore = int.Parse(await karin.GetByTestId("unread-count").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);

        // Sent while the inbox is open: it must appear without a reload (WatchReferrals).
        var id = await PoliceSendAsync();
        var row = karin.Locator($"[data-testid='referral-row'][data-referral-id='{id}']");
        await Expect(row).ToBeVisibleAsync();
        await Expect(karin.GetByTestId("unread-count")).ToHaveTextAsync((unreadBefore + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await WebSystem.ScreenshotAsync(karin, "inbox");

        await row.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(karin.GetByTestId("subject")).ToContainTextAsync(ReferralTestData.GivenName);
        await WebSystem.AssertAccessibleAsync(karin, "a referral");
        await WebSystem.ScreenshotAsync(karin, "referral");
        // The person's data is on the page, never in its address or title.
        Assert.DoesNotContain(ReferralTestData.Personnummer, karin.Url, StringComparison.Ordinal);
        Assert.DoesNotContain(ReferralTestData.FamilyName, await karin.TitleAsync(), StringComparison.Ordinal);
        await karin.GetByTestId("accept").ClickAsync();
        await Expect(karin.GetByTestId("referral-status")).ToContainTextAsync("Accepterad");

        var per = await system.LogInAsync("Per Lind");
        await system.OpenAsync(per, "/utkorg");
        await Expect(per.Locator($"[data-testid='outbox-row'][data-referral-id='{id}'] [data-testid='outbox-status']"))
            .ToContainTextAsync("Accepterad");
        await WebSystem.AssertAccessibleAsync(per, "the outbox");
        await WebSystem.ScreenshotAsync(per, "outbox");

        // The audit says which person read it.
        using var op = system.Server.Operator();
        var events = (await op.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { PageSize = 500 })).Events;
        Assert.Contains(events, e => e.Action == "referral.read" && e.TargetId == id && e.ActorAuthorityId == "kramfors-kommun" && e.ActorMemberId.StartsWith("m-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_Sundsvall_case_worker_cannot_open_a_Kramfors_referral_by_its_address()
    {
        var id = await PoliceSendAsync();
        var sara = await system.LogInAsync("Sara Ek");

        await system.OpenAsync(sara, $"/remisser/{id}");

        await Expect(sara.GetByTestId("not-found")).ToBeVisibleAsync();
        await Expect(sara.GetByTestId("subject")).ToHaveCountAsync(0);
        Assert.DoesNotContain(ReferralTestData.GivenName, await sara.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_person_without_a_membership_sees_their_person_reference_and_nothing_else()
    {
        var ulla = await system.LogInAsync("Ulla Nord");

        await Expect(ulla.GetByTestId("no-membership")).ToBeVisibleAsync();
        await Expect(ulla.GetByTestId("person-reference")).ToHaveTextAsync(PersonReferencePattern());
        await WebSystem.AssertAccessibleAsync(ulla, "the no-membership page");
        await WebSystem.ScreenshotAsync(ulla, "no-membership");
        foreach (var path in new[] { "/inkorg", "/utkorg", "/medlemmar" })
        {
            await system.OpenAsync(ulla, path);
            await Expect(ulla.GetByTestId("no-membership")).ToBeVisibleAsync();
            await Expect(ulla.GetByTestId("referral-row")).ToHaveCountAsync(0);
            await Expect(ulla.GetByTestId("outbox-row")).ToHaveCountAsync(0);
        }
    }

    [Fact]
    public async Task After_a_recorded_withdrawal_the_personal_data_is_gone_from_the_page()
    {
        var id = await PoliceSendAsync();
        var karin = await system.LogInAsync("Karin Berg");
        await system.OpenAsync(karin, $"/remisser/{id}");
        await Expect(karin.GetByTestId("subject")).ToContainTextAsync(ReferralTestData.GivenName);

        await karin.GetByTestId("withdraw").ClickAsync();
        await karin.GetByTestId("withdraw-confirm").ClickAsync();

        await Expect(karin.GetByTestId("erased")).ToBeVisibleAsync();
        await Expect(karin.GetByTestId("subject")).ToHaveCountAsync(0);
        Assert.DoesNotContain(ReferralTestData.GivenName, await karin.ContentAsync(), StringComparison.Ordinal);
        await system.OpenAsync(karin, $"/remisser/{id}");
        Assert.DoesNotContain(ReferralTestData.GivenName, await karin.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_protected_identity_is_shown_with_a_banner()
    {
        var id = await PoliceSendAsync(r =>
        {
            r.Subject.ProtectionLevel = ProtectionLevel.SkyddadFolkbokforing;
            r.Subject.Contact = null;
            r.Consent.DataCategories.Remove(DataCategory.Contact);
        });
        var karin = await system.LogInAsync("Karin Berg");

        await system.OpenAsync(karin, $"/remisser/{id}");

        await Expect(karin.GetByTestId("protected-identity")).ToBeVisibleAsync();
        await WebSystem.AssertAccessibleAsync(karin, "a referral with protected identity");
        await WebSystem.ScreenshotAsync(karin, "protected-identity");
    }

    [Fact]
    public async Task Pages_with_personal_data_are_never_cached_nor_kept_in_browser_storage()
    {
        var id = await PoliceSendAsync();
        var karin = await system.LogInAsync("Karin Berg");
        var response = await karin.GotoAsync(new Uri(system.WebAddress, $"/remisser/{id}").ToString());
        await WebSystem.WaitForCircuitAsync(karin);
        await Expect(karin.GetByTestId("subject")).ToContainTextAsync(ReferralTestData.GivenName);

        var headers = await response!.AllHeadersAsync();
        Assert.Contains("no-store", headers["cache-control"], StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", headers["content-security-policy"], StringComparison.Ordinal);
        var storage = await karin.EvaluateAsync<string>("() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage)");
        Assert.DoesNotContain(ReferralTestData.GivenName, storage, StringComparison.Ordinal);
        Assert.DoesNotContain(ReferralTestData.Personnummer, storage, StringComparison.Ordinal);
        var cookies = (await karin.Context.CookiesAsync()).Where(c => !c.Name.StartsWith("exchange-devidp", StringComparison.Ordinal)).ToList();
        Assert.All(cookies, c => Assert.True(c.HttpOnly, $"{c.Name} is readable by scripts"));
        // The session: Secure even here. (The antiforgery cookie, which holds no session, is Secure outside
        // Development; over a developer's http://localhost ASP.NET Core will not set it Secure.)
        var session = Assert.Single(cookies, c => c.Name == "exchange-web");
        Assert.True(session.Secure, "the session cookie is not Secure");
        Assert.Equal(SameSiteAttribute.Lax, session.SameSite);
    }

    [Fact]
    public async Task The_login_and_start_pages_are_accessible()
    {
        var page = await system.NewPageAsync();
        await WebSystem.WaitForCircuitAsync(page);
        await WebSystem.AssertAccessibleAsync(page, "the logged-out start page");
        await page.GetByTestId("login").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Logga in som Karin Berg" })).ToBeVisibleAsync();
        await WebSystem.AssertAccessibleAsync(page, "the development IdP's login page");
        await WebSystem.ScreenshotAsync(page, "development-idp");
        await page.GetByRole(AriaRole.Button, new() { Name = "Logga in som Klas Holm" }).ClickAsync();
        await WebSystem.WaitForCircuitAsync(page);
        await WebSystem.AssertAccessibleAsync(page, "the start page");
        await system.OpenAsync(page, "/medlemmar");
        await Expect(page.GetByTestId("member-row").First).ToBeVisibleAsync();
        await WebSystem.AssertAccessibleAsync(page, "the members page");
        await WebSystem.ScreenshotAsync(page, "members");
        var per = await system.LogInAsync("Per Lind");
        await system.OpenAsync(per, "/utkorg/ny");
        await WebSystem.AssertAccessibleAsync(per, "the new referral form");
        await WebSystem.ScreenshotAsync(per, "new-referral");
    }

    [Fact]
    public async Task An_analyst_and_an_operator_see_their_roles_and_no_inbox()
    {
        foreach (var (name, role, authority) in new[] { ("Lena Sjö", "Analytiker", "Länsstyrelsen Västernorrland"), ("Olle Strand", "Operatör", "Exchange operators") })
        {
            var page = await system.LogInAsync(name);
            await Expect(page.GetByTestId("roles")).ToHaveTextAsync(role);
            await Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync(authority);
            await WebSystem.AssertAccessibleAsync(page, $"{name}'s start page");

            // Neither role receives referrals: the inbox is not offered, and by address it shows none.
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Inkorg", Exact = true })).ToHaveCountAsync(0);
            await system.OpenAsync(page, "/inkorg");
            await Expect(page.GetByTestId("referral-row")).ToHaveCountAsync(0);
            await Expect(page.GetByTestId("unread-count")).ToHaveCountAsync(0);
        }
    }

    [GeneratedRegex("^[A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{5}$")]
    private static partial Regex PersonReferencePattern();
}
