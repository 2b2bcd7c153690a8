using Exchange.Client;
using Exchange.V1;
using Grpc.Core;

namespace Exchange.EndToEndTests;

[Collection(SharedServer.Name)]
public class TokenAndAccessTests(ExchangeServer server)
{
    [Fact]
    public async Task Client_secret_gets_a_token_that_admits_calls()
    {
        using var client = server.Demo("sundsvall-kommun");
        var token = await client.Tokens.GetTokenAsync();
        // Every page: indicators other tests add may come before the seeded one.
        var codes = new List<string>();
        var request = new ListIndicatorsRequest();
        do
        {
            var page = await client.Statistics.ListIndicatorsAsync(request);
            codes.AddRange(page.Indicators.Select(i => i.Code));
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        Assert.Contains("statistics.report", token.Scopes);
        Assert.Contains("referrals.receive", token.Scopes);
        Assert.Contains("region_patients_asked_about_violence", codes);
    }

    [Fact]
    public async Task Private_key_jwt_gets_a_token_that_admits_calls()
    {
        // A police authority of the test's own, signing in with its own key: its grants are the test's to know.
        var (client, _) = await server.NewAuthorityWithKeyAsync(AuthorityKind.Police, "referrals.send", "statistics.report");
        using var _ = client;
        Assert.Null(client.Options.ClientSecret);
        var token = await client.Tokens.GetTokenAsync();
        await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());

        Assert.Equal(["referrals.send", "statistics.report"], token.Scopes.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Wrong_private_key_is_refused_at_the_token_endpoint()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        using var client = server.Connect(o =>
        {
            o.ClientId = "polisregion-nord";
            o.PrivateKeyPem = rsa.ExportPkcs8PrivateKeyPem();
            o.KeyId = "polisregion-nord-demo";
        });
        var error = await Assert.ThrowsAsync<ExchangeAuthenticationException>(async () => await client.Tokens.GetTokenAsync());
        Assert.Equal("invalid_client", error.Error);
    }

    [Fact]
    public async Task Call_without_token_is_unauthenticated()
    {
        using var channel = server.AnonymousChannel();
        var statistics = new StatisticsService.StatisticsServiceClient(channel);
        await RpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await statistics.ListIndicatorsAsync(new ListIndicatorsRequest()));
    }

    [Fact]
    public async Task Forged_token_is_unauthenticated()
    {
        using var channel = server.AnonymousChannel();
        var admin = new AdminService.AdminServiceClient(channel);
        var headers = new Metadata { { "Authorization", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJleGNoYW5nZS1vcGVyYXRvciIsInNjb3BlIjoiYWRtaW4ifQ." } };
        await RpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await admin.ListAuthoritiesAsync(new ListAuthoritiesRequest(), headers));
    }

    [Fact]
    public async Task Token_without_the_rpc_scope_is_permission_denied()
    {
        using var client = server.Demo("sundsvall-kommun", useKey: false, "statistics.read");
        await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await client.Statistics.SubmitStatisticsAsync(new SubmitStatisticsRequest()));
    }

    [Fact]
    public async Task Scope_without_a_grant_is_refused_at_the_token_endpoint()
    {
        using var client = server.Demo("lansstyrelsen-vasternorrland", useKey: false, "referrals.receive");
        var error = await Assert.ThrowsAsync<ExchangeAuthenticationException>(async () => await client.Tokens.GetTokenAsync());
        Assert.Equal("invalid_scope", error.Error);
    }

    [Fact]
    public async Task Disabled_authority_is_refused_on_its_next_call_and_gets_no_token()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Region, "statistics.read");
        using var _ = client;
        using var admin = server.Operator();
        await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());

        await admin.Admin.DisableAuthorityAsync(new DisableAuthorityRequest { AuthorityId = id, Reason = "agreement ended" });

        await RpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest()));
        client.Tokens.Invalidate();
        var refused = await Assert.ThrowsAsync<ExchangeAuthenticationException>(async () => await client.Tokens.GetTokenAsync());
        Assert.Equal("unauthorized_client", refused.Error);

        await admin.Admin.EnableAuthorityAsync(new EnableAuthorityRequest { AuthorityId = id, Reason = "agreement renewed" });
        // The client remembers the refusal for a few seconds (so a refused client does not ask on every
        // call); told that the authority is enabled again, it asks at once.
        client.Tokens.Invalidate();
        await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());
    }

    [Fact]
    public async Task Revoked_grant_ends_the_token_on_its_next_call()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Municipality, "statistics.read", "statistics.report");
        using var _ = client;
        using var admin = server.Operator();
        var token = await client.Tokens.GetTokenAsync();
        await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());

        var grants = await admin.Admin.ListGrantsAsync(new ListGrantsRequest { AuthorityId = id });
        foreach (var grant in grants.Grants)
        {
            await admin.Admin.RevokeGrantAsync(new RevokeGrantRequest { GrantId = grant.Id, Reason = "test" });
        }

        Assert.Same(token, await client.Tokens.GetTokenAsync());
        // The token ended with its grants; a new one is refused, as no grant is left.
        await RpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest()));
        Assert.Equal("invalid_scope", (await Assert.ThrowsAsync<ExchangeAuthenticationException>(async () => await client.Tokens.GetTokenAsync())).Error);
        var listed = await admin.Admin.ListGrantsAsync(new ListGrantsRequest { AuthorityId = id, IncludeInactive = true });
        Assert.All(listed.Grants, g => Assert.Equal(GrantState.Revoked, g.State));
        Assert.Equal(2, listed.Grants.Count);
    }

    [Fact]
    public async Task Revoked_credential_gets_no_new_token()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Police, "statistics.report");
        using var _ = client;
        using var admin = server.Operator();
        await client.Tokens.GetTokenAsync();

        var credential = (await admin.Admin.ListCredentialsAsync(new ListCredentialsRequest { AuthorityId = id })).Credentials.Single();
        await admin.Admin.RevokeCredentialAsync(new RevokeCredentialRequest { CredentialId = credential.Id, Reason = "key leaked" });
        client.Tokens.Invalidate();

        var error = await Assert.ThrowsAsync<ExchangeAuthenticationException>(async () => await client.Tokens.GetTokenAsync());
        Assert.Equal("invalid_client", error.Error);
    }

    [Fact]
    public async Task Revoking_a_key_ends_tokens_already_issued_and_the_remaining_secret_gets_a_new_one()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Region, "statistics.read");
        using var _ = client;
        using var admin = server.Operator();
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var key = (await client.Account.AddOwnKeyAsync(new AddOwnKeyRequest { PublicJwk = TestKeys.Jwk(rsa, "k1") })).Credential;
        using var withKey = server.Connect(o => { o.ClientId = id; o.PrivateKeyPem = rsa.ExportPkcs8PrivateKeyPem(); o.KeyId = "k1"; });
        await withKey.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());
        await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());

        await admin.Admin.RevokeCredentialAsync(new RevokeCredentialRequest { CredentialId = key.Id, Reason = "key leaked" });

        // The key's token no longer works, and the key gets no new one.
        await RpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await withKey.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest()));
        await Assert.ThrowsAsync<ExchangeAuthenticationException>(async () => await withKey.Tokens.GetTokenAsync());
        // The secret's token was revoked too; the client drops it on UNAUTHENTICATED and the next call gets a new one.
        await RpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest()));
        await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());
    }

    [Fact]
    public async Task Concurrent_new_secrets_leave_exactly_one_that_works_and_revoking_it_stops_tokens()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Police, "statistics.report");
        using var _ = client;
        using var admin = server.Operator();
        await client.Account.ListOwnCredentialsAsync(new ListOwnCredentialsRequest());

        // Each replacement ends the tokens of the others, so some are refused; those that got through compete.
        var attempts = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            try
            {
                return await client.Account.ReplaceOwnSecretAsync(new ReplaceOwnSecretRequest());
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated)
            {
                return null;
            }
        }));
        var issued = attempts.OfType<ReplaceOwnSecretResponse>().ToList();
        Assert.NotEmpty(issued);

        var active = (await admin.Admin.ListCredentialsAsync(new ListCredentialsRequest { AuthorityId = id })).Credentials.Where(c => c.RevokeTime is null).ToList();
        var survivor = Assert.Single(active);
        var working = new List<string>();
        foreach (var response in issued)
        {
            using var candidate = server.Connect(o => { o.ClientId = id; o.ClientSecret = response.ClientSecret; });
            try
            {
                await candidate.Tokens.GetTokenAsync();
                working.Add(response.Credential.Id);
            }
            catch (ExchangeAuthenticationException)
            {
            }
        }
        Assert.Equal([survivor.Id], working);

        await admin.Admin.RevokeCredentialAsync(new RevokeCredentialRequest { CredentialId = survivor.Id, Reason = "rotated away" });
        using var revoked = server.Connect(o => { o.ClientId = id; o.ClientSecret = issued.Single(r => r.Credential.Id == survivor.Id).ClientSecret; });
        await Assert.ThrowsAsync<ExchangeAuthenticationException>(async () => await revoked.Tokens.GetTokenAsync());
    }

    [Fact]
    public async Task Replacing_a_secret_ends_the_tokens_of_the_old_one()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Region, "statistics.read");
        using var _ = client;
        using var admin = server.Operator();
        var old = await client.Tokens.GetTokenAsync();
        await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());

        await client.Account.ReplaceOwnSecretAsync(new ReplaceOwnSecretRequest());

        using var channel = server.AnonymousChannel();
        var statistics = new StatisticsService.StatisticsServiceClient(channel);
        await RpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await statistics.ListIndicatorsAsync(new ListIndicatorsRequest(), new Metadata { { "Authorization", $"Bearer {old.Value}" } }));
    }

    [Fact]
    public async Task Tokens_requested_while_a_secret_is_revoked_never_outlive_it()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Region, "statistics.read");
        using var _ = client;
        using var admin = server.Operator();
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        await client.Account.AddOwnKeyAsync(new AddOwnKeyRequest { PublicJwk = TestKeys.Jwk(rsa, "k1") });
        var secret = (await admin.Admin.ListCredentialsAsync(new ListCredentialsRequest { AuthorityId = id })).Credentials.Single(c => c.Type == CredentialType.ClientSecret);

        // Several systems keep asking for tokens with the secret while it is revoked.
        using var stop = new CancellationTokenSource();
        var tokens = new System.Collections.Concurrent.ConcurrentBag<string>();
        var refusals = new System.Collections.Concurrent.ConcurrentBag<string>();
        var requesters = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                client.Tokens.Invalidate();
                try
                {
                    tokens.Add((await client.Tokens.GetTokenAsync()).Value);
                }
                catch (ExchangeAuthenticationException e)
                {
                    refusals.Add(e.Error);
                }
            }
        })).ToList();
        // Revoked while tokens are being issued, and kept at it until the refusals come.
        await Eventually.ValueAsync(() => Task.FromResult(tokens.Count), count => count > 0);
        await admin.Admin.RevokeCredentialAsync(new RevokeCredentialRequest { CredentialId = secret.Id, Reason = "leaked" });
        await Eventually.ValueAsync(() => Task.FromResult(refusals.Count), count => count >= 6);
        await stop.CancelAsync();
        await Task.WhenAll(requesters);

        Assert.NotEmpty(tokens);
        Assert.NotEmpty(refusals);
        Assert.All(refusals, error => Assert.Equal("invalid_client", error));
        using var channel = server.AnonymousChannel();
        var statistics = new StatisticsService.StatisticsServiceClient(channel);
        foreach (var token in tokens.Distinct())
        {
            await RpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await statistics.ListIndicatorsAsync(new ListIndicatorsRequest(), new Metadata { { "Authorization", $"Bearer {token}" } }));
        }
    }

    [Fact]
    public async Task Streaming_call_refused_for_a_revoked_token_makes_the_client_get_a_new_one()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Municipality, "referrals.receive");
        using var _ = client;
        using var admin = server.Operator();
        await client.Tokens.GetTokenAsync();
        await client.Account.ReplaceOwnSecretAsync(new ReplaceOwnSecretRequest()); // ends the client's token

        using var watch = client.Referrals.WatchReferrals(new WatchReferralsRequest());
        await RpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await watch.ResponseStream.MoveNext(default));

        // The client dropped the refused token; its next request for one goes to the server again
        // (and is refused, since its secret was replaced meanwhile).
        await Assert.ThrowsAsync<ExchangeAuthenticationException>(async () => await client.Tokens.GetTokenAsync());
    }

    [Fact]
    public async Task New_secret_replaces_the_previous_one()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Police, "statistics.report");
        using var _ = client;
        using var admin = server.Operator();
        var second = await client.Account.ReplaceOwnSecretAsync(new ReplaceOwnSecretRequest());
        client.Tokens.Invalidate();

        var error = await Assert.ThrowsAsync<ExchangeAuthenticationException>(async () => await client.Tokens.GetTokenAsync());
        Assert.Equal("invalid_client", error.Error);
        using var renewed = server.Connect(o => { o.ClientId = id; o.ClientSecret = second.ClientSecret; });
        await renewed.Tokens.GetTokenAsync();
    }

    [Fact]
    public async Task Denied_calls_are_audited_without_personal_data()
    {
        // A shelter of the test's own: a second denial of one authority's call within the window is only counted,
        // so a shelter another test was denied the same call as would not have this denial written now.
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Shelter, "statistics.report");
        using var _ = client;
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await client.Referrals.SendReferralAsync(new SendReferralRequest()));
        using var admin = server.Operator();

        var events = await admin.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { ActorAuthorityId = id, PageSize = 1000 });

        Assert.Contains(events.Events, e => e.Action == "call.denied" && e.TargetId == "/exchange.v1.ReferralService/SendReferral" && e.Outcome == AuditOutcome.Denied);
    }
}
