using Exchange.Server.Audit;
using Exchange.Server.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Exchange.Server.Tests.Audit;

public class AuditLogTests : IAsyncLifetime
{
    private readonly TestStore store = new();

    public Task InitializeAsync() => store.InitializeAsync();

    public Task DisposeAsync() => store.DisposeAsync();

    [Fact]
    public async Task Events_chain_each_to_the_previous_hash()
    {
        var log = new AuditLog(new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));
        await using var db = store.Create();
        await log.SaveWithAuditAsync(db, new AuditRecord("op", "authority.created", "authority", "a1"), default);
        await log.SaveWithAuditAsync(db, new AuditRecord("op", "grant.created", "grant", "g1"), default);
        await log.SaveWithAuditAsync(db, new AuditRecord("x", "call.denied", "rpc", "/exchange.v1.AdminService/GetAuthority", AuditOutcomeKind.Denied), default);

        var events = db.AuditEvents.OrderBy(e => e.Sequence).ToList();

        Assert.Equal([1L, 2L, 3L], events.Select(e => e.Sequence));
        Assert.Equal(AuditLog.GenesisHash, events[0].PreviousHash);
        Assert.Equal(events[0].Hash, events[1].PreviousHash);
        Assert.Equal(events[1].Hash, events[2].PreviousHash);
        Assert.Null(AuditLog.FindBreak(events));
    }

    [Fact]
    public async Task A_changed_or_removed_event_breaks_the_chain()
    {
        var log = new AuditLog(TimeProvider.System);
        await using var db = store.Create();
        for (var i = 0; i < 4; i++)
        {
            await log.SaveWithAuditAsync(db, new AuditRecord("op", "grant.created", "grant", $"g{i}"), default);
        }
        var events = db.AuditEvents.OrderBy(e => e.Sequence).ToList();

        var tampered = events.Select(Copy).ToList();
        tampered[1].TargetId = "other";
        Assert.Equal(2, AuditLog.FindBreak(tampered));

        var removed = events.Where(e => e.Sequence != 3).Select(Copy).ToList();
        Assert.Equal(3, AuditLog.FindBreak(removed));
    }

    private static AuditEventEntity Copy(AuditEventEntity e) => new()
    {
        Sequence = e.Sequence, Time = e.Time, ActorAuthorityId = e.ActorAuthorityId, Action = e.Action,
        TargetType = e.TargetType, TargetId = e.TargetId, Outcome = e.Outcome, PreviousHash = e.PreviousHash, Hash = e.Hash,
    };
}
