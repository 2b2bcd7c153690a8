using System.Security.Claims;
using Exchange.Server.Authorization;
using Exchange.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;
using Scopes = Exchange.Contracts.Scopes;

namespace Exchange.Server.Tests.Authorization;

public class CallerAdmissionTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TestStore store = new();
    private readonly FakeTimeProvider time = new(Now);
    // One cache for every call of a test, as on a server: the tests below prove it never admits from stale state.
    private readonly AdmissionCache cache = new();
    private readonly StoreChanges changes = new();

    public async Task InitializeAsync()
    {
        await store.InitializeAsync();
        await using var db = store.Create();
        db.Authorities.Add(new AuthorityEntity { Id = "sundsvall-kommun", Name = "Sundsvalls kommun", Kind = PartyKind.Municipality, OrganisationNumber = "2120002411", AreaCodes = ["2281"] });
        db.Authorities.Add(new AuthorityEntity { Id = "lansstyrelsen", Name = "Länsstyrelsen", Kind = PartyKind.County, OrganisationNumber = "2021002395", AreaCodes = ["22"] });
        db.Grants.Add(Grant("g-report", "sundsvall-kommun", Scopes.StatisticsReport, Now.AddDays(-1), Now.AddDays(1)));
        db.Grants.Add(Grant("g-read", "sundsvall-kommun", Scopes.StatisticsRead, Now.AddDays(1), null));
        // A grant the kind may never hold stays powerless even if it was stored.
        db.Grants.Add(Grant("g-county", "lansstyrelsen", Scopes.ReferralsReceive, Now.AddDays(-1), null));
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => store.DisposeAsync();

    [Fact]
    public async Task Valid_grant_and_token_scope_admit_the_caller()
    {
        var decision = await Decide("sundsvall-kommun", [Scopes.StatisticsReport], [Scopes.StatisticsReport]);

        Assert.True(decision.Allowed);
        Assert.Equal("sundsvall-kommun", decision.Caller!.AuthorityId);
        Assert.Equal(["2281"], decision.Caller.AreaCodes);
    }

    [Fact]
    public async Task Token_without_the_scope_is_refused_even_with_a_grant()
    {
        var decision = await Decide("sundsvall-kommun", [Scopes.StatisticsRead], [Scopes.StatisticsReport]);
        Assert.False(decision.Allowed);
        Assert.Contains("scope", decision.Refusal);
    }

    [Fact]
    public async Task Grant_not_yet_valid_is_refused()
    {
        var decision = await Decide("sundsvall-kommun", [Scopes.StatisticsRead], [Scopes.StatisticsRead]);
        Assert.False(decision.Allowed);
    }

    [Fact]
    public async Task Grant_past_its_end_is_refused()
    {
        time.Advance(TimeSpan.FromDays(2));
        var decision = await Decide("sundsvall-kommun", [Scopes.StatisticsReport], [Scopes.StatisticsReport]);
        Assert.False(decision.Allowed);
    }

    [Fact]
    public async Task Revoked_grant_is_refused_on_the_next_call()
    {
        Assert.True((await Decide("sundsvall-kommun", [Scopes.StatisticsReport], [Scopes.StatisticsReport])).Allowed);
        await using (var db = store.Create())
        {
            var grant = await db.Grants.FindAsync("g-report");
            grant!.RevokedAt = Now;
            await db.SaveChangesAsync();
        }
        Assert.False((await Decide("sundsvall-kommun", [Scopes.StatisticsReport], [Scopes.StatisticsReport])).Allowed);
    }

    [Fact]
    public async Task Authority_disabled_by_a_bulk_update_is_refused_on_the_next_call()
    {
        Assert.True((await Decide("sundsvall-kommun", [Scopes.StatisticsReport], [Scopes.StatisticsReport])).Allowed);
        await using (var db = store.Create())
        {
            // Past the change tracker, as the token version is raised: only the store's triggers see it.
            await db.Authorities.Where(a => a.Id == "sundsvall-kommun").ExecuteUpdateAsync(s => s.SetProperty(a => a.Enabled, false));
        }
        Assert.False((await Decide("sundsvall-kommun", [Scopes.StatisticsReport], [Scopes.StatisticsReport])).Allowed);
    }

    [Fact]
    public async Task Admission_is_served_from_the_cache_until_the_stamp_changes()
    {
        Assert.True((await Decide("sundsvall-kommun", [Scopes.StatisticsReport], [Scopes.StatisticsReport])).Allowed);
        await using (var db = store.Create())
        {
            // Without the triggers the stamp stays, so the cached (enabled) state is still used...
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER authorities_admission_update");
            await db.Authorities.Where(a => a.Id == "sundsvall-kommun").ExecuteUpdateAsync(s => s.SetProperty(a => a.Enabled, false));
        }
        Assert.True((await Decide("sundsvall-kommun", [Scopes.StatisticsReport], [Scopes.StatisticsReport])).Allowed);
        await using (var db = store.Create())
        {
            // ...until anything raises it.
            await db.Database.ExecuteSqlRawAsync("UPDATE admission_stamp SET \"Version\" = \"Version\" + 1");
        }
        Assert.False((await Decide("sundsvall-kommun", [Scopes.StatisticsReport], [Scopes.StatisticsReport])).Allowed);
    }

    [Fact]
    public async Task Disabled_authority_is_refused()
    {
        await using (var db = store.Create())
        {
            (await db.Authorities.FindAsync("sundsvall-kommun"))!.Enabled = false;
            await db.SaveChangesAsync();
        }
        var decision = await Decide("sundsvall-kommun", [Scopes.StatisticsReport], [Scopes.StatisticsReport]);
        Assert.False(decision.Allowed);
        Assert.Contains("disabled", decision.Refusal);
    }

    [Fact]
    public async Task Scope_the_kind_may_never_hold_is_refused_despite_a_stored_grant()
    {
        var decision = await Decide("lansstyrelsen", [Scopes.ReferralsReceive], [Scopes.ReferralsReceive]);
        Assert.False(decision.Allowed);
    }

    [Fact]
    public async Task Token_from_before_a_credential_revocation_is_refused_as_revoked()
    {
        await using (var db = store.Create())
        {
            (await db.Authorities.FindAsync("sundsvall-kommun"))!.TokenVersion = 1;
            await db.SaveChangesAsync();
        }
        var stale = await Decide("sundsvall-kommun", [Scopes.StatisticsReport], [Scopes.StatisticsReport], tokenVersion: "0");
        var current = await Decide("sundsvall-kommun", [Scopes.StatisticsReport], [Scopes.StatisticsReport], tokenVersion: "1");
        var missing = await Decide("sundsvall-kommun", [Scopes.StatisticsReport], [Scopes.StatisticsReport], tokenVersion: null);

        Assert.True(stale.TokenRevoked);
        Assert.False(stale.Allowed);
        Assert.True(current.Allowed);
        Assert.True(missing.TokenRevoked);
    }

    [Fact]
    public async Task Unknown_authority_is_refused()
    {
        Assert.False((await Decide("no-such-authority", [Scopes.StatisticsReport], [Scopes.StatisticsReport])).Allowed);
    }

    private async Task<Admission> Decide(string authorityId, string[] tokenScopes, string[] required, string? tokenVersion = "0")
    {
        var identity = new ClaimsIdentity("test");
        identity.SetClaim(Claims.Subject, authorityId);
        if (tokenVersion is not null)
        {
            identity.SetClaim(Exchange.Server.Authorization.TokenClaims.TokenVersion, tokenVersion);
        }
        identity.SetScopes(tokenScopes);
        await using var db = store.Create();
        return await new CallerAdmission(db, cache, changes, time).AdmitAsync(new ClaimsPrincipal(identity), required, default);
    }

    private static GrantEntity Grant(string id, string authorityId, string scope, DateTimeOffset from, DateTimeOffset? to) => new()
    {
        Id = id,
        AuthorityId = authorityId,
        Scope = scope,
        ValidFrom = from,
        ValidTo = to,
        GrantedBy = "op",
        Reason = "test",
        CreatedAt = from,
    };
}
