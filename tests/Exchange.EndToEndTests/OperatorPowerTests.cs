using Exchange.Client;
using Exchange.V1;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.EndToEndTests;

/// <summary>
/// What an operator cannot do: become an authority by giving it a credential of the operator's own,
/// hide behind the system's audit actor, or leave the exchange without an operator.
/// </summary>
[Collection(SharedServer.Name)]
public class OperatorPowerTests(ExchangeServer server)
{
    [Fact]
    public async Task Operator_cannot_add_its_own_key_to_an_authority_that_has_credentials_and_take_its_tokens()
    {
        // An authority of the test's own, onboarded with a secret: were the refusal to fail, no other test's authority gets the operator's key.
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Shelter, "statistics.report");
        client.Dispose();
        using var admin = server.Operator();
        using var rsa = System.Security.Cryptography.RSA.Create(2048);

        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await admin.Admin.AddKeyCredentialAsync(new AddKeyCredentialRequest
        {
            AuthorityId = id,
            PublicJwk = TestKeys.Jwk(rsa, "operator-made"),
        }));

        using var impostor = server.Connect(o => { o.ClientId = id; o.PrivateKeyPem = rsa.ExportPkcs8PrivateKeyPem(); o.KeyId = "operator-made"; });
        var refused = await Assert.ThrowsAsync<ExchangeAuthenticationException>(async () => await impostor.Tokens.GetTokenAsync());
        Assert.Equal("invalid_client", refused.Error);
    }

    [Fact]
    public async Task Operator_cannot_replace_the_secret_of_an_authority_that_has_credentials()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Municipality, "statistics.read");
        using var _ = client;
        using var admin = server.Operator();
        var error = await RpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await admin.Admin.AddSecretCredentialAsync(new AddSecretCredentialRequest { AuthorityId = id }));
        Assert.NotNull(error.GetRpcStatus()?.GetDetail<PreconditionFailure>());

        // Its own secret still works.
        await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());
    }

    [Fact]
    public async Task Operator_cannot_create_another_operator()
    {
        using var admin = server.Operator();
        var error = await RpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await admin.Admin.CreateAuthorityAsync(new CreateAuthorityRequest
        {
            Authority = new Authority { Id = "puppet-operator", Name = "Puppet", Kind = AuthorityKind.Operator, OrganisationNumber = "2021009994" },
        }));
        Assert.Equal("OPERATORS_FROM_CONFIGURATION", error.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations.Single().Type);
        await RpcAssert.FailsWith(StatusCode.NotFound, async () => await admin.Admin.GetAuthorityAsync(new GetAuthorityRequest { AuthorityId = "puppet-operator" }));
    }

    [Theory]
    [InlineData("bootstrap")]
    [InlineData("system")]
    public async Task System_actor_ids_cannot_be_authority_ids(string id)
    {
        using var admin = server.Operator();
        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await admin.Admin.CreateAuthorityAsync(new CreateAuthorityRequest
        {
            Authority = new Authority { Id = id, Name = "Impostor", Kind = AuthorityKind.Region, OrganisationNumber = "2321000206" },
        }));
        Assert.Equal("authority.id", error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Single().Field);
    }

    [Fact]
    public async Task Grant_the_kind_may_never_hold_is_a_failed_precondition_naming_the_rule()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.County);
        client.Dispose();
        using var admin = server.Operator();
        var error = await RpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await admin.Admin.CreateGrantAsync(new CreateGrantRequest
        {
            AuthorityId = id, Scope = "referrals.receive", Reason = "should be refused",
        }));
        var violation = error.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations.Single();
        Assert.Equal(id, violation.Subject);
    }

    [Theory]
    [InlineData("{\"kty\":\"RSA\",\"kid\":\"a\",\"n\":\"!!!not base64url!!!\",\"e\":\"AQAB\"}")]
    [InlineData("{\"kty\":\"EC\",\"kid\":\"a\",\"crv\":\"P-256\",\"x\":\"%%\",\"y\":\"AQAB\"}")]
    public async Task Malformed_jwk_is_invalid_argument(string jwk)
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Region);
        client.Dispose();
        using var admin = server.Operator();
        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () =>
            await admin.Admin.AddKeyCredentialAsync(new AddKeyCredentialRequest { AuthorityId = id, PublicJwk = jwk }));
        Assert.Equal("public_jwk", error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Single().Field);
    }

    [Fact]
    public async Task Jwk_with_a_duplicated_member_is_invalid_argument()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Region);
        client.Dispose();
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var duplicated = TestKeys.Jwk(rsa, "a").Replace("\"kid\":\"a\"", "\"kid\":\"a\",\"kid\":\"b\"", StringComparison.Ordinal);
        using var admin = server.Operator();

        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () =>
            await admin.Admin.AddKeyCredentialAsync(new AddKeyCredentialRequest { AuthorityId = id, PublicJwk = duplicated }));

        Assert.Contains("each member once", error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Single().Description);
    }
}

/// <summary>Disabling and re-enabling, revoking and re-granting: tokens issued before stay ended.</summary>
[Collection(SharedServer.Name)]
public class TokenRevivalTests(ExchangeServer server)
{
    [Fact]
    public async Task Token_from_before_a_disable_stays_dead_after_re_enabling()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Region, "statistics.read");
        using var _ = client;
        using var admin = server.Operator();
        var old = (await client.Tokens.GetTokenAsync()).Value;

        await admin.Admin.DisableAuthorityAsync(new DisableAuthorityRequest { AuthorityId = id, Reason = "suspected compromise" });
        await admin.Admin.EnableAuthorityAsync(new EnableAuthorityRequest { AuthorityId = id, Reason = "cleared" });

        await RpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await ListIndicatorsWith(old));
        client.Tokens.Invalidate();
        await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());
    }

    [Fact]
    public async Task Token_from_before_a_grant_revocation_stays_dead_after_re_granting()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Region, "statistics.read");
        using var _ = client;
        using var admin = server.Operator();
        var old = (await client.Tokens.GetTokenAsync()).Value;

        var grant = (await admin.Admin.ListGrantsAsync(new ListGrantsRequest { AuthorityId = id })).Grants.Single();
        await admin.Admin.RevokeGrantAsync(new RevokeGrantRequest { GrantId = grant.Id, Reason = "agreement paused" });
        await admin.Admin.CreateGrantAsync(new CreateGrantRequest { AuthorityId = id, Scope = "statistics.read", Reason = "agreement resumed" });

        await RpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await ListIndicatorsWith(old));
        client.Tokens.Invalidate();
        await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());
    }

    private async Task ListIndicatorsWith(string token)
    {
        using var channel = server.AnonymousChannel();
        await new StatisticsService.StatisticsServiceClient(channel).ListIndicatorsAsync(new ListIndicatorsRequest(), new Metadata { { "Authorization", $"Bearer {token}" } });
    }
}

/// <summary>At least one enabled operator with a credential and the admin grant remains, whatever operators do.</summary>
public class OperatorContinuityTests(ExchangeServer server) : IClassFixture<ExchangeServer>
{
    [Fact]
    public async Task The_last_working_operator_cannot_lose_its_admin_grant()
    {
        using var first = server.Operator();
        using var second = server.SecondOperator();

        // The second operator may disable the first: an operator remains.
        await second.Admin.DisableAuthorityAsync(new DisableAuthorityRequest { AuthorityId = "exchange-operator", Reason = "handover" });

        // But not then take away the admin grant of the only operator left.
        var grant = (await second.Admin.ListGrantsAsync(new ListGrantsRequest { AuthorityId = ExchangeServer.SecondOperatorId })).Grants.Single();
        var refused = await RpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await second.Admin.RevokeGrantAsync(new RevokeGrantRequest { GrantId = grant.Id, Reason = "oops" }));
        Assert.Equal("LAST_OPERATOR", refused.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations.Single().Type);
        await second.Admin.ListAuthoritiesAsync(new ListAuthoritiesRequest());

        await second.Admin.EnableAuthorityAsync(new EnableAuthorityRequest { AuthorityId = "exchange-operator", Reason = "handover done" });
    }
}

/// <summary>
/// An operator cannot disable itself. Were the refusal to fail, the operator every other test acts as would
/// be disabled, so the test has a server of its own.
/// </summary>
public class OperatorDisablesItselfTests(ExchangeServer server) : IClassFixture<ExchangeServer>
{
    [Fact]
    public async Task Operator_cannot_disable_itself()
    {
        using var admin = server.Operator();
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await admin.Admin.DisableAuthorityAsync(new DisableAuthorityRequest { AuthorityId = "exchange-operator", Reason = "oops" }));
    }
}

/// <summary>
/// An operator cannot revoke its own last credential. Were the refusal to fail, the credential file every
/// other test acts with would stop working, so the test has a server of its own.
/// </summary>
public class OperatorRevokesItsLastCredentialTests(ExchangeServer server) : IClassFixture<ExchangeServer>
{
    [Fact]
    public async Task Operator_cannot_revoke_its_own_last_credential()
    {
        using var admin = server.Operator();
        var own = (await admin.Admin.ListCredentialsAsync(new ListCredentialsRequest { AuthorityId = "exchange-operator" })).Credentials.Single(c => c.RevokeTime is null);
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await admin.Admin.RevokeCredentialAsync(new RevokeCredentialRequest { CredentialId = own.Id, Reason = "oops" }));
        await admin.Admin.ListAuthoritiesAsync(new ListAuthoritiesRequest());
    }
}
