using Exchange.Client;
using Exchange.V1;
using Google.Rpc;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Exchange.EndToEndTests;

/// <summary>
/// After onboarding, an authority's credentials come from the authority itself, or from two
/// operators together; every change is visible to the authority.
/// </summary>
[Collection(SharedServer.Name)]
public class CredentialModelTests(ExchangeServer server)
{
    [Fact]
    public async Task Authority_rotates_its_own_key_and_sees_every_change()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Region, "statistics.read");
        using var _ = client;
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var secret = (await client.Account.ListOwnCredentialsAsync(new ListOwnCredentialsRequest())).Credentials.Single();

        var key = (await client.Account.AddOwnKeyAsync(new AddOwnKeyRequest { PublicJwk = TestKeys.Jwk(rsa, "region-2027") })).Credential;
        using var withKey = server.Connect(o => { o.ClientId = id; o.PrivateKeyPem = rsa.ExportPkcs8PrivateKeyPem(); o.KeyId = "region-2027"; });
        await withKey.Account.RevokeOwnCredentialAsync(new RevokeOwnCredentialRequest { CredentialId = secret.Id, Reason = "rotated to a key" });

        Assert.Equal((CredentialOrigin.SelfService, id), (key.Origin, key.CreatedBy));
        Assert.Equal((CredentialOrigin.Onboarding, "exchange-operator"), (secret.Origin, secret.CreatedBy));
        await withKey.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());
        client.Tokens.Invalidate();
        Assert.Equal("invalid_client", (await Assert.ThrowsAsync<ExchangeAuthenticationException>(async () => await client.Tokens.GetTokenAsync())).Error);

        // The revocation ended every token issued before it, this client's account token too: a new client reads the events.
        using var later = server.Connect(o => { o.ClientId = id; o.PrivateKeyPem = rsa.ExportPkcs8PrivateKeyPem(); o.KeyId = "region-2027"; });
        var events = (await later.Account.ListCredentialEventsAsync(new ListCredentialEventsRequest())).Events;
        Assert.Equal(
            [("credential.revoked", id, secret.Id), ("credential.key_added", id, key.Id), ("credential.secret_added", "exchange-operator", secret.Id)],
            events.Where(e => e.TargetType == "credential").Select(e => (e.Action, e.ActorAuthorityId, e.TargetId)));
        Assert.Contains(events, e => e.Action == "grant.created" && e.ActorAuthorityId == "exchange-operator");
        Assert.All(events, e => Assert.Equal(id, e.SubjectAuthorityId));
    }

    [Fact]
    public async Task Account_scope_is_issued_only_when_asked_for_and_briefly()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Municipality, "statistics.read");
        using var _ = client;
        using var account = server.Connect(o => { o.ClientId = id; o.ClientSecret = client.Options.ClientSecret; o.Scopes.Add("account"); });

        var ordinary = await client.Tokens.GetTokenAsync();
        var accountToken = new JsonWebToken((await account.Tokens.GetTokenAsync()).Value);

        Assert.DoesNotContain("account", ordinary.Scopes);
        Assert.InRange(accountToken.ValidTo - accountToken.IssuedAt, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5));
        // An ordinary token cannot manage credentials.
        using var channel = server.AnonymousChannel();
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await new AccountService.AccountServiceClient(channel)
            .ListOwnCredentialsAsync(new ListOwnCredentialsRequest(), new Metadata { { "Authorization", $"Bearer {ordinary.Value}" } }));
    }

    [Fact]
    public async Task Authority_cannot_revoke_its_last_credential_nor_another_authoritys()
    {
        var (client, _) = await server.NewAuthorityAsync(AuthorityKind.Shelter, "statistics.report");
        var (other, _) = await server.NewAuthorityAsync(AuthorityKind.Shelter, "statistics.report");
        using var a = client;
        using var b = other;
        var own = (await client.Account.ListOwnCredentialsAsync(new ListOwnCredentialsRequest())).Credentials.Single();
        var theirs = (await other.Account.ListOwnCredentialsAsync(new ListOwnCredentialsRequest())).Credentials.Single();

        var last = await RpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await client.Account.RevokeOwnCredentialAsync(new RevokeOwnCredentialRequest { CredentialId = own.Id, Reason = "oops" }));
        await RpcAssert.FailsWith(StatusCode.NotFound, async () =>
            await client.Account.RevokeOwnCredentialAsync(new RevokeOwnCredentialRequest { CredentialId = theirs.Id, Reason = "hostile" }));

        Assert.Equal("LAST_OWN_CREDENTIAL", last.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations.Single().Type);
        await other.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());
    }

    [Fact]
    public async Task Break_glass_needs_a_second_operator_and_the_authority_sees_it()
    {
        var (lost, id) = await server.NewAuthorityAsync(AuthorityKind.Municipality, "statistics.read");
        using var _ = lost;
        using var first = server.Operator();
        using var second = server.SecondOperator();
        using var rsa = System.Security.Cryptography.RSA.Create(2048);

        var proposed = (await first.Admin.ProposeCredentialChangeAsync(new ProposeCredentialChangeRequest
        {
            AuthorityId = id, PublicJwk = TestKeys.Jwk(rsa, "replacement"), RevokeExisting = true, Reason = "ärende 2026-117: lost key",
        })).Change;
        var self = await RpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await first.Admin.ApproveCredentialChangeAsync(new ApproveCredentialChangeRequest { ChangeId = proposed.Id, Reason = "me again" }));
        // Nothing changed yet: the old secret still works.
        await lost.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());

        var approved = await second.Admin.ApproveCredentialChangeAsync(new ApproveCredentialChangeRequest { ChangeId = proposed.Id, Reason = "verified by phone with the municipality" });

        Assert.Equal("SECOND_OPERATOR", self.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations.Single().Type);
        Assert.Equal((CredentialChangeState.Approved, CredentialOrigin.BreakGlass), (approved.Change.State, approved.Credential.Origin));
        await RpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await lost.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest()));
        using var recovered = server.Connect(o => { o.ClientId = id; o.PrivateKeyPem = rsa.ExportPkcs8PrivateKeyPem(); o.KeyId = "replacement"; });
        var events = (await recovered.Account.ListCredentialEventsAsync(new ListCredentialEventsRequest())).Events;
        Assert.Contains(events, e => e.Action == "credential_change.proposed" && e.ActorAuthorityId == "exchange-operator" && e.TargetId == proposed.Id);
        Assert.Contains(events, e => e.Action == "credential_change.approved" && e.ActorAuthorityId == ExchangeServer.SecondOperatorId);
        Assert.Contains(events, e => e.Action == "credential.revoked" && e.ActorAuthorityId == ExchangeServer.SecondOperatorId);
        Assert.Contains(events, e => e.Action == "credential.key_added" && e.TargetId == approved.Credential.Id);
        // One revocation per credential, with the break-glass reason.
        var revoked = (await recovered.Account.ListOwnCredentialsAsync(new ListOwnCredentialsRequest())).Credentials.Where(c => c.RevokeTime is not null).ToList();
        Assert.Equal(revoked.Count, events.Count(e => e.Action == "credential.revoked"));
        Assert.All(revoked, c => Assert.Equal($"replaced by break-glass change {proposed.Id}", c.RevokeReason));
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await second.Admin.ApproveCredentialChangeAsync(new ApproveCredentialChangeRequest { ChangeId = proposed.Id, Reason = "twice" }));
    }
}

/// <summary>
/// A proposal whose proposer left: the test disables the demo seed's second operator, and operators come
/// only from configuration (the API creates none), so it runs on a server of its own, not the shared one.
/// </summary>
public class ProposerLeavesTests(ExchangeServer server) : IClassFixture<ExchangeServer>
{
    [Fact]
    public async Task Rejected_change_does_nothing_and_a_proposal_outlives_no_proposer()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Shelter, "statistics.report");
        using var _ = client;
        using var first = server.Operator();
        using var second = server.SecondOperator();
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var key = TestKeys.Jwk(rsa, "shelter-new");

        var rejected = (await first.Admin.ProposeCredentialChangeAsync(new ProposeCredentialChangeRequest { AuthorityId = id, PublicJwk = key, Reason = "request by phone" })).Change;
        var pending = (await second.Admin.ListCredentialChangesAsync(new ListCredentialChangesRequest { AuthorityId = id })).Changes;
        await second.Admin.RejectCredentialChangeAsync(new RejectCredentialChangeRequest { ChangeId = rejected.Id, Reason = "caller could not be verified" });
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await second.Admin.ApproveCredentialChangeAsync(new ApproveCredentialChangeRequest { ChangeId = rejected.Id, Reason = "changed my mind" }));

        // A proposal by an operator who is disabled meanwhile cannot be approved.
        var orphaned = (await second.Admin.ProposeCredentialChangeAsync(new ProposeCredentialChangeRequest { AuthorityId = id, PublicJwk = key, Reason = "written request 2026-118" })).Change;
        await first.Admin.DisableAuthorityAsync(new DisableAuthorityRequest { AuthorityId = ExchangeServer.SecondOperatorId, Reason = "left the team" });
        var refused = await RpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await first.Admin.ApproveCredentialChangeAsync(new ApproveCredentialChangeRequest { ChangeId = orphaned.Id, Reason = "verified" }));
        Assert.Equal("PROPOSER_NOT_OPERATOR", refused.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations.Single().Type);

        Assert.Equal([rejected.Id], pending.Select(c => c.Id));
        var all = (await first.Admin.ListCredentialChangesAsync(new ListCredentialChangesRequest { AuthorityId = id, IncludeDecided = true })).Changes;
        Assert.Equal([CredentialChangeState.Pending, CredentialChangeState.Rejected], all.Select(c => c.State));
        Assert.Single((await client.Account.ListOwnCredentialsAsync(new ListOwnCredentialsRequest())).Credentials);
    }
}
