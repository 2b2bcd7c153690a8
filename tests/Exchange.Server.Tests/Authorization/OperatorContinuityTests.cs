using Exchange.Contracts;
using Exchange.Server.Authorization;
using Exchange.Server.Storage;
using Exchange.Server.Validation;

namespace Exchange.Server.Tests.Authorization;

public class OperatorContinuityTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-30T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private readonly TestStore store = new();

    public async Task InitializeAsync()
    {
        await store.InitializeAsync();
        await using var db = store.Create();
        foreach (var id in new[] { "op-a", "op-b" })
        {
            db.Authorities.Add(new AuthorityEntity { Id = id, Name = id, Kind = PartyKind.Operator, OrganisationNumber = "2021009994" });
            db.Credentials.Add(new CredentialEntity { Id = Guid.NewGuid().ToString(), AuthorityId = id, Kind = CredentialKind.ClientSecret, CreatedBy = "t", Origin = CredentialOrigin.System });
            db.Grants.Add(new GrantEntity { Id = Guid.NewGuid().ToString(), AuthorityId = id, Scope = Scopes.Admin, GrantedBy = "t", Reason = "t", ValidFrom = Now.AddDays(-1) });
        }
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => store.DisposeAsync();

    // Each check runs, as in the server, inside a transaction that is not committed: nothing it saves outlives the test.

    [Fact]
    public async Task One_working_operator_left_is_enough()
    {
        await using var db = store.Create();
        await using var transaction = await db.Database.BeginTransactionAsync();
        (await db.Authorities.FindAsync("op-a"))!.Enabled = false;
        await OperatorContinuity.EnsureAsync(db, Now, default);
    }

    [Fact]
    public async Task Disabling_the_last_working_operator_is_refused()
    {
        await using var db = store.Create();
        await using var transaction = await db.Database.BeginTransactionAsync();
        (await db.Authorities.FindAsync("op-a"))!.Enabled = false;
        (await db.Authorities.FindAsync("op-b"))!.Enabled = false;
        var error = await Assert.ThrowsAsync<DomainException>(() => OperatorContinuity.EnsureAsync(db, Now, default));
        Assert.Equal("LAST_OPERATOR", error.Precondition!.Type);
    }

    [Fact]
    public async Task An_operator_without_an_active_credential_does_not_count()
    {
        await using var db = store.Create();
        await using var transaction = await db.Database.BeginTransactionAsync();
        (await db.Authorities.FindAsync("op-a"))!.Enabled = false;
        foreach (var credential in db.Credentials.Where(c => c.AuthorityId == "op-b"))
        {
            credential.RevokedAt = Now;
        }
        await Assert.ThrowsAsync<DomainException>(() => OperatorContinuity.EnsureAsync(db, Now, default));
    }

    [Fact]
    public async Task An_operator_whose_admin_grant_has_ended_does_not_count()
    {
        await using var db = store.Create();
        await using var transaction = await db.Database.BeginTransactionAsync();
        (await db.Authorities.FindAsync("op-a"))!.Enabled = false;
        foreach (var grant in db.Grants.Where(g => g.AuthorityId == "op-b"))
        {
            grant.ValidTo = Now.AddMinutes(-1);
        }
        await Assert.ThrowsAsync<DomainException>(() => OperatorContinuity.EnsureAsync(db, Now, default));
    }
}
