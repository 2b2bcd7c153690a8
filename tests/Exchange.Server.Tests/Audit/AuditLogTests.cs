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
        await using (var db = store.Create())
        {
            await log.SaveWithAuditAsync(db, new AuditRecord("op", "authority.created", "authority", "a1"), default);
            await log.SaveWithAuditAsync(db, new AuditRecord("op", "grant.created", "grant", "g1"), default);
            await log.SaveWithAuditAsync(db, new AuditRecord("x", "call.denied", "rpc", "/exchange.v1.AdminService/GetAuthority", AuditOutcomeKind.Denied), default);
        }

        // Read back through a fresh context: what the store returns must still hash the same.
        await using var reader = store.Create();
        var events = reader.AuditEvents.OrderBy(e => e.Sequence).ToList();

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
        await using (var db = store.Create())
        {
            for (var i = 0; i < 4; i++)
            {
                await log.SaveWithAuditAsync(db, new AuditRecord("op", "grant.created", "grant", $"g{i}"), default);
            }
        }
        await using var reader = store.Create();
        var events = reader.AuditEvents.OrderBy(e => e.Sequence).ToList();
        Assert.Null(AuditLog.FindBreak(events));

        var tampered = events.Select(Copy).ToList();
        tampered[1].TargetId = "other";
        Assert.Equal(2, AuditLog.FindBreak(tampered));

        var removed = events.Where(e => e.Sequence != 3).Select(Copy).ToList();
        Assert.Equal(3, AuditLog.FindBreak(removed));
    }

    [Fact]
    public async Task Concurrent_appends_from_separate_requests_form_one_chain()
    {
        var log = new AuditLog(TimeProvider.System);
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            await using var db = store.Create();
            await log.SaveWithAuditAsync(db, new AuditRecord("op", "grant.created", "grant", $"g{i}"), default);
        }));

        await using var reader = store.Create();
        var events = reader.AuditEvents.OrderBy(e => e.Sequence).ToList();
        Assert.Equal(16, events.Count);
        Assert.Null(AuditLog.FindBreak(events));
    }

    [Fact]
    public async Task A_failed_change_leaves_neither_the_change_nor_its_event()
    {
        var log = new AuditLog(TimeProvider.System);
        await using (var db = store.Create())
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => log.SaveWithAuditAsync(db, new AuditRecord("op", "authority.created", "authority", "a1"), async () =>
            {
                db.Authorities.Add(new AuthorityEntity { Id = "a1", Name = "A", Kind = PartyKind.Police, OrganisationNumber = "2021000076" });
                await db.SaveChangesAsync();
                throw new InvalidOperationException("a rule refused after saving");
            }, default));
        }
        await using var reader = store.Create();
        Assert.Empty(reader.AuditEvents);
        Assert.Empty(reader.Authorities);
    }

    private static AuditEventEntity Copy(AuditEventEntity e) => new()
    {
        Sequence = e.Sequence,
        Time = e.Time,
        ActorAuthorityId = e.ActorAuthorityId,
        Action = e.Action,
        TargetType = e.TargetType,
        TargetId = e.TargetId,
        Outcome = e.Outcome,
        PreviousHash = e.PreviousHash,
        Hash = e.Hash,
    };
}

public class AuditHashTests
{
    private static AuditEventEntity Event() => new()
    {
        Sequence = 1,
        Time = new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero),
        ActorAuthorityId = "exchange-operator",
        Action = "authority.created",
        TargetType = "authority",
        TargetId = "timra-kommun",
        Outcome = AuditOutcomeKind.Succeeded,
        PreviousHash = AuditLog.GenesisHash,
        Hash = "",
    };

    [Fact]
    public void Events_written_before_subject_and_count_existed_still_verify()
    {
        // The canonical form of the first release: eight fields, no subject, no count.
        var legacy = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('\n',
            "1", Event().Time.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "exchange-operator", "authority.created", "authority", "timra-kommun", "Succeeded", AuditLog.GenesisHash))));

        Assert.Equal(legacy, AuditLog.ComputeHash(Event()));
    }

    [Fact]
    public void Subject_and_count_are_covered_by_the_hash()
    {
        var plain = AuditLog.ComputeHash(Event());
        var withSubject = Event();
        withSubject.SubjectAuthorityId = "timra-kommun";
        var counted = Event();
        counted.Count = 40;

        Assert.Equal(3, new[] { plain, AuditLog.ComputeHash(withSubject), AuditLog.ComputeHash(counted) }.Distinct().Count());
    }
}

public class AuditActorTests : IAsyncLifetime
{
    private readonly TestStore store = new();

    public Task InitializeAsync() => store.InitializeAsync();

    public Task DisposeAsync() => store.DisposeAsync();

    [Fact]
    public async Task An_event_of_a_call_a_person_made_names_the_person_and_the_person_is_part_of_its_hash()
    {
        var log = new AuditLog(TimeProvider.System);
        await using (var db = store.Create())
        {
            using (Exchange.Server.Audit.AuditActor.Enter("kramfors-kommun", "m-0123456789abcdef"))
            {
                await log.SaveWithAuditAsync(db, new AuditRecord("kramfors-kommun", "referral.read", "referral", "r1"), default);
                // The server acting during the same call is not the person.
                await log.SaveWithAuditAsync(db, new AuditRecord("exchange", "referral.erased", "referral", "r1"), default);
            }
            await log.SaveWithAuditAsync(db, new AuditRecord("kramfors-kommun", "referral.read", "referral", "r2"), default);
        }
        await using var reader = store.Create();
        var events = reader.AuditEvents.OrderBy(e => e.Sequence).ToList();

        Assert.Equal(["m-0123456789abcdef", "", ""], events.Select(e => e.ActorMemberId));
        Assert.Null(AuditLog.FindBreak(events));
        var forged = events.Select(e => new AuditEventEntity
        {
            Sequence = e.Sequence, Time = e.Time, ActorAuthorityId = e.ActorAuthorityId, SubjectAuthorityId = e.SubjectAuthorityId, Action = e.Action,
            TargetType = e.TargetType, TargetId = e.TargetId, Outcome = e.Outcome, Count = e.Count, Reason = e.Reason,
            ActorMemberId = e.ActorMemberId, PreviousHash = e.PreviousHash, Hash = e.Hash,
        }).ToList();
        // Blaming another person (or nobody) for a read breaks the chain.
        forged[0].ActorMemberId = "m-fedcba9876543210";
        Assert.Equal(1, AuditLog.FindBreak(forged));
        forged[0].ActorMemberId = "";
        Assert.Equal(1, AuditLog.FindBreak(forged));
    }

    [Fact]
    public void An_event_without_a_person_hashes_as_events_did_before_people()
    {
        var time = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var before = Exchange.Contracts.AuditChain.Hash(1, time, "op", "grant.created", "grant", "g1", "Succeeded", AuditLog.GenesisHash, "", 1, "");
        var withPerson = Exchange.Contracts.AuditChain.Hash(1, time, "op", "grant.created", "grant", "g1", "Succeeded", AuditLog.GenesisHash, "", 1, "", "m-0123456789abcdef");

        Assert.Equal(before, Exchange.Contracts.AuditChain.Hash(1, time, "op", "grant.created", "grant", "g1", "Succeeded", AuditLog.GenesisHash, "", 1, "", ""));
        Assert.NotEqual(before, withPerson);
    }
}
