using System.Text;
using Exchange.Client;
using Exchange.Contracts;
using Exchange.V1;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Exchange.EndToEndTests.Web;

/// <summary>
/// The operator console in a real browser: the operator Olle Strand revokes a grant and a case
/// worker's next action is refused; registers an authority and its first credential, a secret shown
/// once that works; and finds his own actions in the audit search, exported as CSV. Every change the
/// console makes is audited with Olle's member id, as the server does for exchange-admin's calls.
/// </summary>
[Collection(SharedWebSystem.Name)]
[Trait("Category", "Browser")]
public class ConsoleBrowserTests(WebSystem system)
{
    private const string OperatorAuthority = "exchange-operator";

    private static async Task<string> MemberIdAsync(ExchangeClient op, string authorityId, string name) =>
        (await op.Members.ListMembersAsync(new ListMembersRequest { AuthorityId = authorityId })).Members.Single(m => m.DisplayName == name).MemberId;

    private static async Task<bool> HasActiveGrantAsync(ExchangeClient op, string authorityId, string scope) =>
        (await op.Admin.ListGrantsAsync(new ListGrantsRequest { AuthorityId = authorityId, PageSize = 1000 })).Grants
            .Any(g => g.Scope == scope && g.State == GrantState.Active);

    [Fact]
    public async Task An_operator_revokes_a_grant_in_the_console_and_the_case_workers_next_action_is_refused()
    {
        using var op = system.Server.Operator();
        var olleId = await MemberIdAsync(op, OperatorAuthority, "Olle Strand");
        var sara = await system.LogInAsync("Sara Ek");
        await system.OpenAsync(sara, "/utkorg");
        await Expect(sara.GetByTestId("new-referral")).ToBeVisibleAsync();

        var olle = await system.LogInAsync("Olle Strand");
        await system.OpenAsync(olle, "/konsol/myndigheter/sundsvall-kommun");
        var active = olle.Locator("[data-testid='grant-row'][data-scope='referrals.send'][data-state='Active']");
        await Expect(active).ToHaveCountAsync(1);
        var grantId = await active.GetAttributeAsync("data-grant-id");
        const string reason = "Avtalet om remisser har upphört (konsoltest)";
        try
        {
            await active.GetByTestId("revoke-grant").ClickAsync();
            var confirm = olle.GetByTestId("grant-revoke-confirm");
            await confirm.GetByTestId("reason").FillAsync(reason);
            await confirm.GetByTestId("confirm").ClickAsync();
            await Expect(olle.Locator($"[data-testid='grant-row'][data-grant-id='{grantId}'] [data-testid='grant-state']")).ToHaveTextAsync("Återkallad");

            // Sara's next action, opening her outbox again, is refused: no cache on the server or in
            // the web app lets the revoked grant live on (the admission stamp changed with the grant,
            // and every token of the authority ended with it).
            await system.OpenAsync(sara, "/utkorg");
            await Expect(sara.GetByRole(AriaRole.Main)).ToContainTextAsync("Din roll ger ingen utkorg");
            await Expect(sara.GetByTestId("new-referral")).ToHaveCountAsync(0);
            await Expect(sara.GetByRole(AriaRole.Link, new() { Name = "Utkorg", Exact = true })).ToHaveCountAsync(0);

            // The server audited the revocation as Olle's, with his reason.
            var revoked = Assert.Single((await op.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { Action = "grant.revoked", TargetId = grantId })).Events);
            Assert.Equal((OperatorAuthority, olleId, reason, "sundsvall-kommun"), (revoked.ActorAuthorityId, revoked.ActorMemberId, revoked.Reason, revoked.SubjectAuthorityId));
        }
        finally
        {
            // The collection's other tests share the server: Sundsvall sends referrals again.
            if (!await HasActiveGrantAsync(op, "sundsvall-kommun", Scopes.ReferralsSend))
            {
                await op.Admin.CreateGrantAsync(new CreateGrantRequest { AuthorityId = "sundsvall-kommun", Scope = Scopes.ReferralsSend, Reason = "restored after the console's browser test" });
            }
        }
    }

    [Fact]
    public async Task An_operator_registers_an_authority_gets_its_secret_once_and_finds_the_audit_of_it_exported_as_csv()
    {
        using var op = system.Server.Operator();
        var olleId = await MemberIdAsync(op, OperatorAuthority, "Olle Strand");
        var olle = await system.LogInAsync("Olle Strand");
        await system.OpenAsync(olle, "/konsol");
        await WebSystem.AssertAccessibleAsync(olle, "the console's start page");
        await olle.GetByRole(AriaRole.Link, new() { Name = "Myndigheter" }).First.ClickAsync();
        await Expect(olle.GetByTestId("authority-row").First).ToBeVisibleAsync();

        // The server's violations appear beside the fields.
        await olle.GetByTestId("create-authority").ClickAsync();
        await Expect(olle.GetByTestId("create-error")).ToBeVisibleAsync();
        await Expect(olle.GetByText("Exchange godtog inte uppgiften").First).ToBeVisibleAsync();
        await WebSystem.AssertAccessibleAsync(olle, "the authorities page with field errors");

        var id = $"konsol-{Guid.NewGuid():N}"[..24];
        await olle.GetByTestId("authority-id").FillAsync(id);
        await olle.GetByTestId("authority-name").FillAsync("Konsoltestets kommun");
        await olle.GetByLabel("Typ", new() { Exact = true }).ClickAsync();
        await olle.GetByRole(AriaRole.Option, new() { Name = "Kommun", Exact = true }).ClickAsync();
        await olle.GetByTestId("authority-org-number").FillAsync(ExchangeServer.NewOrganisationNumber());
        await olle.GetByTestId("authority-areas").FillAsync("2281");
        await olle.GetByTestId("create-authority").ClickAsync();
        await Expect(olle.GetByTestId("authorities-notice")).ToContainTextAsync(id);
        await Expect(olle.Locator($"[data-testid='authority-row'][data-authority-id='{id}']")).ToBeVisibleAsync();
        await WebSystem.AssertAccessibleAsync(olle, "the authorities page");
        await WebSystem.ScreenshotAsync(olle, "console-authorities");

        await olle.GetByTestId("open-created").ClickAsync();
        await Expect(olle.GetByTestId("no-credentials")).ToBeVisibleAsync();
        await olle.GetByTestId("grant-reason").FillAsync("Avtal 2026-17 (konsoltest)");
        await olle.GetByTestId("create-grant").ClickAsync();
        await Expect(olle.Locator("[data-testid='grant-row'][data-scope='statistics.report'] [data-testid='grant-state']")).ToHaveTextAsync("Gäller");

        await olle.GetByTestId("add-secret").ClickAsync();
        var secretField = olle.GetByTestId("client-secret");
        await Expect(secretField).ToBeVisibleAsync();
        var secret = await secretField.InputValueAsync();
        Assert.True(secret.Length >= 32, "the secret shown is too short to be one");
        await Expect(olle.GetByTestId("credential-row")).ToHaveCountAsync(1);
        await WebSystem.AssertAccessibleAsync(olle, "an authority's page with its secret shown");
        await WebSystem.ScreenshotAsync(olle, "console-authority");

        // It works: the new authority gets a token with it and lists its own credentials.
        using (var authority = system.Server.Connect(o => { o.ClientId = id; o.ClientSecret = secret; }))
        {
            var own = await authority.Account.ListOwnCredentialsAsync(new ListOwnCredentialsRequest());
            Assert.Equal(CredentialType.ClientSecret, Assert.Single(own.Credentials).Type);
        }

        // Shown once: gone after closing, and not on the page when it is opened again.
        await olle.GetByTestId("close-secret").ClickAsync();
        await Expect(olle.GetByTestId("secret-panel")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await olle.ContentAsync(), StringComparison.Ordinal);
        await system.OpenAsync(olle, $"/konsol/myndigheter/{id}");
        await Expect(olle.GetByTestId("credential-row")).ToHaveCountAsync(1);
        Assert.DoesNotContain(secret, await olle.ContentAsync(), StringComparison.Ordinal);
        await Expect(olle.GetByTestId("add-secret")).ToHaveCountAsync(0);

        // The audit search finds Olle's three actions on the new authority, by his member id.
        await system.OpenAsync(olle, "/konsol/granskning");
        await olle.GetByTestId("audit-member").FillAsync(olleId);
        await olle.GetByTestId("audit-subject").FillAsync(id);
        await olle.GetByTestId("audit-search").ClickAsync();
        var rows = olle.GetByTestId("audit-row");
        await Expect(rows).ToHaveCountAsync(3);
        var actions = await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.action)");
        Assert.Equal(["authority.created", "credential.secret_added", "grant.created"], actions.Order(StringComparer.Ordinal));
        Assert.All(await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.memberId)"), m => Assert.Equal(olleId, m));
        await WebSystem.AssertAccessibleAsync(olle, "the audit search");
        await WebSystem.ScreenshotAsync(olle, "console-audit");

        var download = await olle.RunAndWaitForDownloadAsync(() => olle.GetByTestId("audit-export-csv").ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        var path = await download.PathAsync();
        var bytes = await File.ReadAllBytesAsync(path!);
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Sekvens;Tid;Aktör (myndighet);Aktör (medlem);Händelse;", lines[0], StringComparison.Ordinal);
        Assert.Equal(4, lines.Length);
        var exported = lines[1..].Select(l => l.Split(';')).ToList();
        Assert.All(exported, cells => Assert.Equal((OperatorAuthority, olleId, id), (cells[2], cells[3], cells[7])));
        Assert.Equal(actions.Order(StringComparer.Ordinal), exported.Select(cells => cells[4]).Order(StringComparer.Ordinal));
        // The rows are the server's events, hashes and all.
        var server = (await op.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { ActorMemberId = olleId, SubjectAuthorityId = id, NewestFirst = true })).Events;
        Assert.Equal(server.Select(e => e.Hash), exported.Select(cells => cells[12]));

        await olle.GetByTestId("audit-verify").ClickAsync();
        await Expect(olle.GetByTestId("audit-intact")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_indicator_catalogue_is_accessible_and_a_case_worker_gets_no_console()
    {
        var olle = await system.LogInAsync("Olle Strand");
        await system.OpenAsync(olle, "/konsol/indikatorer");
        await Expect(olle.GetByTestId("indicator-row").First).ToBeVisibleAsync();
        await WebSystem.AssertAccessibleAsync(olle, "the indicator catalogue");

        var sara = await system.LogInAsync("Sara Ek");
        await Expect(sara.GetByRole(AriaRole.Link, new() { Name = "Konsol", Exact = true })).ToHaveCountAsync(0);
        foreach (var path in new[] { "/konsol", "/konsol/myndigheter", "/konsol/myndigheter/sundsvall-kommun", "/konsol/indikatorer", "/konsol/granskning" })
        {
            await system.OpenAsync(sara, path);
            await Expect(sara.GetByTestId("not-operator")).ToBeVisibleAsync();
            await Expect(sara.GetByTestId("authority-row")).ToHaveCountAsync(0);
        }
        await WebSystem.AssertAccessibleAsync(sara, "the console refused to a case worker");
    }
}
