using Exchange.V1;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.EndToEndTests;

[Collection(SharedServer.Name)]
public class ValidationTests(ExchangeServer server)
{
    [Fact]
    public async Task Bad_authority_fields_are_invalid_argument_with_field_violations_and_nothing_is_stored()
    {
        using var admin = server.Operator();
        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await admin.Admin.CreateAuthorityAsync(new CreateAuthorityRequest
        {
            Authority = new Authority { Id = "bad-org-number", Name = "X", Kind = AuthorityKind.Municipality, OrganisationNumber = "212000-2412", AreaCodes = { "9999" } },
        }));

        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToList();
        Assert.Equal(["authority.organisation_number"], fields);
        Assert.DoesNotContain("212000-2412", error.Status.Detail);
        await RpcAssert.FailsWith(StatusCode.NotFound, async () => await admin.Admin.GetAuthorityAsync(new GetAuthorityRequest { AuthorityId = "bad-org-number" }));
    }

    [Fact]
    public async Task Municipality_without_a_valid_kommunkod_is_refused()
    {
        using var admin = server.Operator();
        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await admin.Admin.CreateAuthorityAsync(new CreateAuthorityRequest
        {
            Authority = new Authority { Id = "no-code-kommun", Name = "X", Kind = AuthorityKind.Municipality, OrganisationNumber = "2120002411", AreaCodes = { "2281", "9999" } },
        }));
        // The wrong code is named (area codes are public), the right one is not.
        var violation = Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations, v => v.Field == "authority.area_codes");
        Assert.Contains("'9999'", violation.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("'2281'", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duplicate_authority_is_already_exists()
    {
        // The test's own authority, again under its id (and another organisation number, so only the id is taken):
        // were the refusal to fail, no authority another test reads is overwritten.
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Municipality);
        client.Dispose();
        using var admin = server.Operator();
        await RpcAssert.FailsWith(StatusCode.AlreadyExists, async () => await admin.Admin.CreateAuthorityAsync(new CreateAuthorityRequest
        {
            Authority = new Authority { Id = id, Name = "Again", Kind = AuthorityKind.Municipality, OrganisationNumber = ExchangeServer.NewOrganisationNumber(), AreaCodes = { "2281" } },
        }));
    }

    [Fact]
    public async Task Concurrent_creations_of_one_id_give_one_authority_and_already_exists()
    {
        using var admin = server.Operator();
        var id = $"c-{Guid.NewGuid():N}"[..16];
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            try
            {
                await admin.Admin.CreateAuthorityAsync(new CreateAuthorityRequest
                {
                    Authority = new Authority { Id = id, Name = "Race", Kind = AuthorityKind.Region, OrganisationNumber = ExchangeServer.NewOrganisationNumber() },
                });
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        }));
        Assert.Single(outcomes, s => s == StatusCode.OK);
        Assert.All(outcomes.Where(s => s != StatusCode.OK), s => Assert.Equal(StatusCode.AlreadyExists, s));
    }

    [Theory]
    [InlineData(9_999_999_999_999L, 0)]
    [InlineData(1L, -5)]
    public async Task Timestamp_out_of_range_is_a_field_violation(long seconds, int nanos)
    {
        // Grants and keys go to the test's own authority: were validation to fail, no other test's authority changes.
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Municipality);
        client.Dispose();
        using var admin = server.Operator();
        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await admin.Admin.CreateGrantAsync(new CreateGrantRequest
        {
            AuthorityId = id, Scope = "statistics.read", Reason = "x",
            ValidTo = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = seconds, Nanos = nanos },
        }));
        Assert.Equal("valid_to", error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Single().Field);
    }

    [Fact]
    public async Task Unknown_scope_and_missing_reason_are_field_violations()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Municipality);
        client.Dispose();
        using var admin = server.Operator();
        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await admin.Admin.CreateGrantAsync(new CreateGrantRequest { AuthorityId = id, Scope = "everything" }));
        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToList();
        Assert.Equal(["scope", "reason"], fields);
    }

    [Fact]
    public async Task Private_key_in_a_jwk_is_refused()
    {
        // Onboarded with a secret, as the demo authority it stands in for: the request meets the same checks.
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Municipality);
        client.Dispose();
        using var admin = server.Operator();
        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await admin.Admin.AddKeyCredentialAsync(new AddKeyCredentialRequest
        {
            AuthorityId = id,
            PublicJwk = "{\"kty\":\"RSA\",\"kid\":\"k\",\"n\":\"AQAB\",\"e\":\"AQAB\",\"d\":\"AQAB\"}",
        }));
        Assert.Equal("public_jwk", error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Single().Field);
    }

    [Fact]
    public async Task Forged_grants_page_token_is_invalid_argument()
    {
        using var admin = server.Operator();
        var forged = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode("grants:not-a-key");
        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await admin.Admin.ListGrantsAsync(new ListGrantsRequest { PageToken = forged }));
        Assert.Equal("page_token", error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Single().Field);
    }

    [Fact]
    public async Task Grants_page_through_without_repeats()
    {
        // The grants of the test's own authority, which nothing else changes between the walk and the one-page list:
        // four active and one revoked, on pages of two.
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Municipality, "statistics.read", "statistics.report", "referrals.send", "referrals.receive");
        client.Dispose();
        using var admin = server.Operator();
        var paused = (await admin.Admin.ListGrantsAsync(new ListGrantsRequest { AuthorityId = id })).Grants.Single(g => g.Scope == "statistics.read");
        await admin.Admin.RevokeGrantAsync(new RevokeGrantRequest { GrantId = paused.Id, Reason = "agreement paused" });
        await admin.Admin.CreateGrantAsync(new CreateGrantRequest { AuthorityId = id, Scope = "statistics.read", Reason = "agreement resumed" });

        var seen = new List<string>();
        var request = new ListGrantsRequest { AuthorityId = id, PageSize = 2, IncludeInactive = true };
        do
        {
            var page = await admin.Admin.ListGrantsAsync(request);
            Assert.True(page.Grants.Count <= 2);
            seen.AddRange(page.Grants.Select(g => g.Id));
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        var all = await admin.Admin.ListGrantsAsync(new ListGrantsRequest { AuthorityId = id, PageSize = 1000, IncludeInactive = true });
        Assert.Equal(5, all.Grants.Count);
        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Equal(all.Grants.Select(g => g.Id), seen);
    }

    [Fact]
    public async Task Paging_walks_every_authority_once()
    {
        using var admin = server.Operator();
        var seen = new List<string>();
        var request = new ListAuthoritiesRequest { PageSize = 3 };
        do
        {
            var page = await admin.Admin.ListAuthoritiesAsync(request);
            Assert.True(page.Authorities.Count <= 3);
            seen.AddRange(page.Authorities.Select(a => a.Id));
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
        Assert.Contains("sundsvall-kommun", seen);
        Assert.Contains("exchange-operator", seen);
        await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await admin.Admin.ListAuthoritiesAsync(new ListAuthoritiesRequest { PageSize = 5000 }));
    }
}
