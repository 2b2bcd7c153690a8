using Exchange.Client;
using Exchange.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.EndToEndTests;

/// <summary>What an operator's mistakes meet: refused with a reason, never accepted in silence; and reasons kept.</summary>
[Collection(SharedServer.Name)]
public class AdminRulesTests(ExchangeServer server)
{
    [Fact]
    public async Task Reasons_are_kept_in_the_audit_log_and_listed_newest_first()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Region);
        client.Dispose();
        using var admin = server.Operator();

        await admin.Admin.DisableAuthorityAsync(new DisableAuthorityRequest { AuthorityId = id, Reason = "agreement paused, dnr 2026/117" });
        await admin.Admin.EnableAuthorityAsync(new EnableAuthorityRequest { AuthorityId = id, Reason = "agreement resumed" });
        // The operator's newest events, of this test's authority only: the log is the whole server's.
        var page = (await admin.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { ActorAuthorityId = "exchange-operator", NewestFirst = true, PageSize = 100 })).Events;
        var newest = page.Where(e => e.SubjectAuthorityId == id).Take(2).ToList();

        Assert.Equal([("authority.enabled", "agreement resumed"), ("authority.disabled", "agreement paused, dnr 2026/117")],
            newest.Select(e => (e.Action, e.Reason)));
    }

    [Fact]
    public async Task Audit_events_are_filtered_by_member_and_a_malformed_member_id_is_refused_by_field()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Region);
        client.Dispose();
        using var admin = server.Operator();
        Assert.NotEmpty((await admin.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { ActorAuthorityId = "exchange-operator", SubjectAuthorityId = id })).Events);

        // The operator's system acted, no person: none of its events is a member's.
        var ofNobody = await admin.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { ActorAuthorityId = "exchange-operator", SubjectAuthorityId = id, ActorMemberId = "m-0123456789abcdef" });
        Assert.Empty(ofNobody.Events);

        var refused = await Assert.ThrowsAsync<RpcException>(() => admin.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { ActorMemberId = "Olle Strand" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal(["actor_member_id"], refused.GetFieldViolations().Select(v => v.Field));
    }

    [Fact]
    public async Task Audit_pages_walk_every_event_once_in_either_order_and_filter_by_time()
    {
        using var admin = server.Operator();
        var all = await Walk(admin, new ListAuditEventsRequest { PageSize = 50 });
        // The server may append meanwhile (counts of denials): later walks are compared up to the same event.
        var last = all[^1].Sequence;
        var newestFirst = (await Walk(admin, new ListAuditEventsRequest { PageSize = 50, NewestFirst = true })).Where(e => e.Sequence <= last).ToList();
        var middle = all[all.Count / 2];
        var since = (await Walk(admin, new ListAuditEventsRequest { PageSize = 50, StartTime = middle.Time })).Where(e => e.Sequence <= last).ToList();
        var until = await Walk(admin, new ListAuditEventsRequest { PageSize = 50, EndTime = middle.Time });

        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(e => e.Sequence));
        Assert.Equal(all.Select(e => e.Sequence).Reverse(), newestFirst.Select(e => e.Sequence));
        Assert.All(since, e => Assert.True(e.Time.ToDateTimeOffset() >= middle.Time.ToDateTimeOffset()));
        Assert.All(until, e => Assert.True(e.Time.ToDateTimeOffset() < middle.Time.ToDateTimeOffset()));
        Assert.Equal(all.Count, since.Count + until.Count);
        // A token of one order is not taken by the other.
        await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await admin.Admin.ListAuditEventsAsync(new ListAuditEventsRequest
        {
            NewestFirst = true,
            PageToken = (await admin.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { PageSize = 1 })).NextPageToken,
        }));
    }

    private static async Task<List<AuditEvent>> Walk(ExchangeClient admin, ListAuditEventsRequest request)
    {
        var events = new List<AuditEvent>();
        do
        {
            var page = await admin.Admin.ListAuditEventsAsync(request);
            events.AddRange(page.Events);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        return events;
    }

    [Fact]
    public async Task Reason_holding_a_personnummer_is_refused()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Region);
        client.Dispose();
        using var admin = server.Operator();

        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () =>
            await admin.Admin.DisableAuthorityAsync(new DisableAuthorityRequest { AuthorityId = id, Reason = "kontakt 19800101-0019" }));

        var violation = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Single();
        Assert.Equal("reason", violation.Field);
        Assert.DoesNotContain("19800101", error.Status.Detail, StringComparison.Ordinal);
        Assert.True((await admin.Admin.GetAuthorityAsync(new GetAuthorityRequest { AuthorityId = id })).Authority.Enabled);
    }

    [Fact]
    public async Task A_catalogue_change_without_a_reason_is_refused_and_changes_nothing()
    {
        var indicator = await server.NewIndicatorAsync(AuthorityKind.Shelter);
        using var admin = server.Operator();
        var lowered = indicator.Clone();
        lowered.SuppressionThreshold = 2;

        var update = await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () =>
            await admin.Admin.UpdateIndicatorAsync(new UpdateIndicatorRequest { Indicator = lowered }));
        var disable = await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () =>
            await admin.Admin.DisableIndicatorAsync(new DisableIndicatorRequest { IndicatorCode = indicator.Code }));

        Assert.Equal("reason", update.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Single().Field);
        Assert.Equal("reason", disable.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Single().Field);
        var stored = (await admin.Admin.GetIndicatorAsync(new GetIndicatorRequest { IndicatorCode = indicator.Code })).Indicator;
        Assert.Equal((indicator.SuppressionThreshold, true), (stored.SuppressionThreshold, stored.Enabled));
    }

    [Theory]
    [InlineData("Sundsvall\u202Ekommun")]
    [InlineData("Timrå\u0000kommun")]
    [InlineData("Ånge\u200Bkommun")]
    public async Task Name_with_control_characters_or_invisible_formatting_is_refused(string name)
    {
        using var admin = server.Operator();
        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await admin.Admin.CreateAuthorityAsync(new CreateAuthorityRequest
        {
            Authority = new Authority { Id = $"n-{Guid.NewGuid():N}"[..14], Name = name, Kind = AuthorityKind.Region, OrganisationNumber = ExchangeServer.NewOrganisationNumber() },
        }));
        Assert.Equal("authority.name", error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Single().Field);
    }

    [Fact]
    public async Task Grant_that_has_ended_and_a_second_identical_grant_are_refused()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Region, "statistics.read");
        client.Dispose();
        using var admin = server.Operator();

        var ended = await RpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await admin.Admin.CreateGrantAsync(new CreateGrantRequest
        {
            AuthorityId = id, Scope = "statistics.report", Reason = "too late", ValidTo = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1)),
        }));
        await RpcAssert.FailsWith(StatusCode.AlreadyExists, async () =>
            await admin.Admin.CreateGrantAsync(new CreateGrantRequest { AuthorityId = id, Scope = "statistics.read", Reason = "again" }));
        // A grant for a later period, or a longer one, is not the same grant.
        await admin.Admin.CreateGrantAsync(new CreateGrantRequest { AuthorityId = id, Scope = "statistics.report", Reason = "from next year", ValidFrom = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddYears(1)) });

        Assert.Equal("GRANT_ENDED", ended.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations.Single().Type);
        Assert.Single((await admin.Admin.ListGrantsAsync(new ListGrantsRequest { AuthorityId = id })).Grants, g => g.Scope == "statistics.read");
    }

    [Fact]
    public async Task Organisation_number_of_another_authority_is_refused_unless_shared_on_purpose()
    {
        using var admin = server.Operator();
        // An organisation number of this test's own, so that no other authority, demo or not, comes to share it.
        var organisationNumber = ExchangeServer.NewOrganisationNumber();
        Authority Municipality(string id, string name) => new() { Id = id, Name = name, Kind = AuthorityKind.Municipality, OrganisationNumber = organisationNumber, AreaCodes = { "2281" } };
        var first = $"o-{Guid.NewGuid():N}"[..14];
        var id = $"u-{Guid.NewGuid():N}"[..14];
        await admin.Admin.CreateAuthorityAsync(new CreateAuthorityRequest { Authority = Municipality(first, "Testby kommun") });

        var refused = await RpcAssert.FailsWith(StatusCode.AlreadyExists, async () => await admin.Admin.CreateAuthorityAsync(new CreateAuthorityRequest { Authority = Municipality(id, "Testby kommun, statistik") }));
        var created = await admin.Admin.CreateAuthorityAsync(new CreateAuthorityRequest { Authority = Municipality(id, "Testby kommun, statistik"), AllowSharedOrganisationNumber = true });

        Assert.Contains(first, refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(organisationNumber, created.Authority.OrganisationNumber);
    }

    [Fact]
    public async Task Grants_of_an_unknown_authority_are_not_found_as_its_credentials_are()
    {
        using var admin = server.Operator();
        await RpcAssert.FailsWith(StatusCode.NotFound, async () => await admin.Admin.ListGrantsAsync(new ListGrantsRequest { AuthorityId = "no-such-authority" }));
        await RpcAssert.FailsWith(StatusCode.NotFound, async () => await admin.Admin.ListCredentialsAsync(new ListCredentialsRequest { AuthorityId = "no-such-authority" }));
    }

    [Fact]
    public async Task Disabled_authority_is_told_why_it_gets_no_token_not_internal()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Region, "statistics.read");
        using var _ = client;
        using var admin = server.Operator();
        await admin.Admin.DisableAuthorityAsync(new DisableAuthorityRequest { AuthorityId = id, Reason = "agreement ended" });

        // PERMISSION_DENIED, as the server answers a call with a token issued before the authority was disabled.
        var error = await RpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest()));

        Assert.Equal("unauthorized_client", Assert.IsType<ExchangeAuthenticationException>(error.Status.DebugException).Error);
        Assert.Contains("disabled", error.Status.Detail, StringComparison.Ordinal);
    }
}
