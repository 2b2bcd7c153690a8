using Microsoft.Extensions.DependencyInjection;
using System.Security.Cryptography;
using System.Text.Json;
using Exchange.Client;
using Exchange.V1;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using PersonReference = Exchange.Contracts.PersonReference;

namespace Exchange.EndToEndTests.People;

/// <summary>A development server that trusts <see cref="TestIdentityProvider"/> for people; the demo seed registers its test persons.</summary>
public sealed class PeopleServer : ExchangeServer
{
    public TestIdentityProvider IdentityProvider { get; private set; } = null!;

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Exchange:People:Issuer"] = IdentityProvider.Issuer;
            settings["Exchange:People:Audience"] = TestIdentityProvider.Audience;
            return settings;
        }
    }

    public override async Task InitializeAsync()
    {
        IdentityProvider = await TestIdentityProvider.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (IdentityProvider is not null)
        {
            await IdentityProvider.DisposeAsync();
        }
    }

    /// <summary>The person reference this server derives for <paramref name="subject"/> at the test IdP.</summary>
    public string Reference(string subject) =>
        Services.GetRequiredService<Exchange.Server.People.PersonReferences>().Of(IdentityProvider.Issuer.TrimEnd('/'), subject);

    /// <summary>The demo web app party's client, which exchanges people's ID tokens.</summary>
    public ExchangeClient WebApp() => Connect(o => o.UseCredentialFile(DemoCredentialPath("exchange-web")));

    /// <summary>A client that calls as the person behind <paramref name="token"/>.</summary>
    public ExchangeClient AsPerson(PersonToken token) => ExchangeClient.Create(o =>
    {
        o.Address = Address;
        o.AccessTokenSource = _ => ValueTask.FromResult(token.Token);
    });

    public async Task<PersonToken> LogInAsync(string subject, string? authorityId = null)
    {
        using var web = WebApp();
        return await web.Tokens.ExchangePersonTokenAsync(IdentityProvider.IdToken(subject), authorityId);
    }
}

public class PersonTokenExchangeTests(PeopleServer server) : IClassFixture<PeopleServer>
{
    [Fact]
    public async Task A_case_workers_token_is_the_authoritys_with_the_person_as_actor_and_only_the_roles_scopes()
    {
        var person = await server.LogInAsync("kramfors-handlaggare");

        Assert.Equal("kramfors-kommun", person.AuthorityId);
        Assert.Equal("Karin Berg", person.MemberName);
        Assert.Equal(["case-worker"], person.Roles);
        Assert.StartsWith("m-", person.MemberId, StringComparison.Ordinal);
        // Kramfors holds statistics grants too; a case worker's token carries none of them.
        Assert.Equal(["referrals.receive", "referrals.send"], person.Token.Scopes.Order(StringComparer.Ordinal));
        var jwt = new JsonWebToken(person.Token.Value);
        Assert.Equal("kramfors-kommun", jwt.Subject);
        using var act = JsonDocument.Parse(jwt.GetPayloadValue<JsonElement>("act").GetRawText());
        Assert.Equal(person.MemberId, act.RootElement.GetProperty("sub").GetString());
        Assert.Equal("exchange-web", act.RootElement.GetProperty("client_id").GetString());
        Assert.True(person.Token.ExpiresAt <= DateTimeOffset.UtcNow.AddMinutes(6));

        using var client = server.AsPerson(person);
        await client.Referrals.ListReferralsAsync(new ListReferralsRequest { Box = ReferralBox.Inbox });
        var refused = await Assert.ThrowsAsync<RpcException>(() => client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest()).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    [Fact]
    public async Task A_person_without_a_membership_is_refused_and_told_their_person_reference()
    {
        using var web = server.WebApp();
        var refused = await Assert.ThrowsAsync<ExchangeAuthenticationException>(() =>
            web.Tokens.ExchangePersonTokenAsync(server.IdentityProvider.IdToken("utan-medlemskap")));

        Assert.Equal("invalid_grant", refused.Error);
        Assert.Equal(PersonReference.Format(server.Reference("utan-medlemskap")), refused.PersonReference);
    }

    public static TheoryData<string> ForgedTokens => new() { "other-key", "other-audience", "expired", "other-issuer", "not-a-jwt", "access-token", "other-party" };

    [Theory]
    [MemberData(nameof(ForgedTokens))]
    public async Task An_id_token_the_identity_provider_did_not_issue_for_the_web_app_is_refused(string forgery)
    {
        using var otherKey = RSA.Create(2048);
        var idp = server.IdentityProvider;
        var token = forgery switch
        {
            "other-key" => idp.IdToken("kramfors-handlaggare", signWith: otherKey),
            "other-audience" => idp.IdToken("kramfors-handlaggare", audience: "some-other-app"),
            "expired" => idp.IdToken("kramfors-handlaggare", lifetime: TimeSpan.FromMinutes(-10)),
            "other-issuer" => idp.IdToken("kramfors-handlaggare", issuer: "https://idp.example.se/"),
            // The IdP's access token for the web app, not an ID token.
            "access-token" => idp.IdToken("kramfors-handlaggare", type: "at+jwt"),
            // Issued to another app as well, with no authorised party naming the web app.
            "other-party" => idp.IdToken("kramfors-handlaggare", alsoFor: ["another-app"]),
            _ => "not.a.token",
        };
        using var web = server.WebApp();

        var refused = await Assert.ThrowsAsync<ExchangeAuthenticationException>(() => web.Tokens.ExchangePersonTokenAsync(token));

        Assert.Equal("invalid_grant", refused.Error);
        Assert.Null(refused.PersonReference);
    }

    [Fact]
    public async Task Only_a_web_app_party_may_exchange_a_persons_id_token()
    {
        // Kramfors' own system holds a valid credential, but must not act as any person it likes.
        using var kramfors = server.Demo("kramfors-kommun");

        var refused = await Assert.ThrowsAsync<ExchangeAuthenticationException>(() =>
            kramfors.Tokens.ExchangePersonTokenAsync(server.IdentityProvider.IdToken("kramfors-handlaggare")));

        Assert.Equal("unauthorized_client", refused.Error);
    }

    [Fact]
    public async Task Reading_a_referral_is_audited_with_the_person_who_read_it()
    {
        using var police = server.Demo("polisregion-nord");
        var sent = await police.Referrals.SendReferralAsync(ReferralTestData.Referral("kramfors-kommun", DateTimeOffset.UtcNow));
        var person = await server.LogInAsync("kramfors-handlaggare");
        using var client = server.AsPerson(person);

        var read = await client.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = sent.Referral.Id });

        Assert.Equal(ReferralTestData.GivenName, read.Referral.Subject.GivenName);
        using var admin = server.Operator();
        var events = (await admin.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { PageSize = 200 })).Events;
        var readEvent = Assert.Single(events, e => e.Action == "referral.read" && e.TargetId == sent.Referral.Id);
        Assert.Equal("kramfors-kommun", readEvent.ActorAuthorityId);
        Assert.Equal(person.MemberId, readEvent.ActorMemberId);
        // The sender's own system acted without a person.
        Assert.Equal("", Assert.Single(events, e => e.Action == "referral.sent" && e.TargetId == sent.Referral.Id).ActorMemberId);
        // The person is part of each event's hash: the chain still verifies.
        Assert.True((await admin.Admin.VerifyAuditLogAsync(new VerifyAuditLogRequest())).Intact);
    }

    [Fact]
    public async Task A_local_administrator_manages_the_own_authoritys_members_and_nothing_else()
    {
        var admin = await server.LogInAsync("kramfors-admin");
        Assert.Equal(["members"], admin.Token.Scopes);
        using var client = server.AsPerson(admin);

        var listed = await client.Members.ListMembersAsync(new ListMembersRequest { AuthorityId = "kramfors-kommun" });
        Assert.Contains(listed.Members, m => m.DisplayName == "Karin Berg" && m.Roles.SequenceEqual([MemberRole.CaseWorker]));

        var otherAuthority = await Assert.ThrowsAsync<RpcException>(() => client.Members.ListMembersAsync(new ListMembersRequest { AuthorityId = "sundsvall-kommun" }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, otherAuthority.StatusCode);
        var reference = PersonReference.Format(server.Reference("kramfors-ny-" + Guid.NewGuid().ToString("N")[..8]));
        var operatorRole = await Assert.ThrowsAsync<RpcException>(() => client.Members.AddMemberAsync(new AddMemberRequest
        {
            AuthorityId = "kramfors-kommun", PersonReference = reference, DisplayName = "Ny Person", Roles = { MemberRole.Operator },
        }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, operatorRole.StatusCode);

        var added = await client.Members.AddMemberAsync(new AddMemberRequest
        {
            AuthorityId = "kramfors-kommun", PersonReference = reference.ToLowerInvariant().Replace("-", "", StringComparison.Ordinal), DisplayName = "Ny Person", Roles = { MemberRole.Analyst },
        });
        Assert.Equal(reference, added.Member.PersonReference);
        Assert.Equal(admin.MemberId, added.Member.CreatedByMemberId);
        using var op = server.Operator();
        var events = (await op.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { PageSize = 200 })).Events;
        Assert.Equal(admin.MemberId, Assert.Single(events, e => e.Action == "member.added" && e.TargetId == added.Member.MemberId).ActorMemberId);
    }

    [Fact]
    public async Task Bad_member_requests_get_field_violations()
    {
        using var op = server.Operator();

        var refused = await Assert.ThrowsAsync<RpcException>(() => op.Members.AddMemberAsync(new AddMemberRequest
        {
            AuthorityId = "Kramfors!", PersonReference = "198112189876", DisplayName = "", Roles = { MemberRole.Unspecified },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal(["authority_id", "display_name", "person_reference", "roles"], refused.GetFieldViolations().Select(v => v.Field).Distinct().Order(StringComparer.Ordinal));
        Assert.DoesNotContain("198112189876", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_open_inbox_watch_ends_when_the_person_is_removed()
    {
        using var op = server.Operator();
        var subject = "bevakning-" + Guid.NewGuid().ToString("N")[..8];
        var added = await op.Members.AddMemberAsync(new AddMemberRequest
        {
            AuthorityId = "kramfors-kommun", PersonReference = server.Reference(subject), DisplayName = "Bevakande Handläggare", Roles = { MemberRole.CaseWorker },
        });
        using var client = server.AsPerson(await server.LogInAsync(subject));
        using var police = server.Demo("polisregion-nord");
        using var watch = client.Referrals.WatchReferrals(new WatchReferralsRequest(), deadline: DateTime.UtcNow.AddSeconds(60));
        var first = await police.Referrals.SendReferralAsync(ReferralTestData.Referral("kramfors-kommun", DateTimeOffset.UtcNow));
        while (await watch.ResponseStream.MoveNext(CancellationToken.None) && watch.ResponseStream.Current.Referral.Id != first.Referral.Id)
        {
        }
        Assert.Equal(first.Referral.Id, watch.ResponseStream.Current.Referral.Id);

        await op.Members.RemoveMemberAsync(new RemoveMemberRequest { MemberId = added.Member.MemberId });
        await police.Referrals.SendReferralAsync(ReferralTestData.Referral("kramfors-kommun", DateTimeOffset.UtcNow));

        var ended = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await watch.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        });
        Assert.Equal(StatusCode.Unauthenticated, ended.StatusCode);
    }

    [Fact]
    public async Task Removing_a_member_or_changing_their_roles_ends_their_token_at_once()
    {
        using var op = server.Operator();
        var subject = "tillfallig-" + Guid.NewGuid().ToString("N")[..8];
        var added = await op.Members.AddMemberAsync(new AddMemberRequest
        {
            AuthorityId = "sundsvall-kommun",
            PersonReference = server.Reference(subject),
            DisplayName = "Tillfällig Handläggare",
            Roles = { MemberRole.CaseWorker },
        });
        var person = await server.LogInAsync(subject);
        using var client = server.AsPerson(person);
        await client.Referrals.ListReferralsAsync(new ListReferralsRequest { Box = ReferralBox.Inbox });

        await op.Members.UpdateMemberRolesAsync(new UpdateMemberRolesRequest { MemberId = added.Member.MemberId, Roles = { MemberRole.CaseWorker, MemberRole.Analyst } });
        var changed = await Assert.ThrowsAsync<RpcException>(() => client.Referrals.ListReferralsAsync(new ListReferralsRequest { Box = ReferralBox.Inbox }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, changed.StatusCode);

        var renewed = await server.LogInAsync(subject);
        using var renewedClient = server.AsPerson(renewed);
        await renewedClient.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());
        await op.Members.RemoveMemberAsync(new RemoveMemberRequest { MemberId = added.Member.MemberId });
        var removed = await Assert.ThrowsAsync<RpcException>(() => renewedClient.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, removed.StatusCode);
        using var web = server.WebApp();
        var after = await Assert.ThrowsAsync<ExchangeAuthenticationException>(() => web.Tokens.ExchangePersonTokenAsync(server.IdentityProvider.IdToken(subject)));
        Assert.Equal("invalid_grant", after.Error);
    }
}
