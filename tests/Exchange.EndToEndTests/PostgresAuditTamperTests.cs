using Exchange.Server.Audit;
using Exchange.Server.Storage;
using Exchange.V1;
using Microsoft.EntityFrameworkCore;

namespace Exchange.EndToEndTests;

/// <summary>The server on PostgreSQL, signing its chain head every second.</summary>
public sealed class CheckpointingPostgresServer : PostgresServer
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Exchange:Audit:CheckpointInterval"] = "00:00:01";
            return settings;
        }
    }
}

/// <summary>
/// A database administrator changes the audit chain on PostgreSQL while the server runs: verify names
/// the changed event, and a rewrite with every hash recomputed fails the signed checkpoint.
/// </summary>
public class PostgresAuditTamperTests(CheckpointingPostgresServer server) : IClassFixture<CheckpointingPostgresServer>
{
    [Fact]
    public async Task A_changed_event_and_then_a_rewritten_chain_are_caught_on_postgresql()
    {
        for (var i = 0; i < 2; i++)
        {
            var (client, _) = await server.NewAuthorityAsync(AuthorityKind.Municipality, "statistics.report");
            client.Dispose();
        }
        using var admin = server.Operator();
        var head = (await admin.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { NewestFirst = true, PageSize = 1 })).Events[0].Sequence;
        var before = await Eventually.ValueAsync(() => admin.Admin.VerifyAuditLogAsync(new VerifyAuditLogRequest()).ResponseAsync, v => (v.LastCheckpoint?.Sequence ?? 0) >= head);
        Assert.True(before.Intact, before.ChainProblem + before.CheckpointProblem);
        var dbOptions = new DbContextOptionsBuilder<PostgresExchangeDbContext>().UseNpgsql(server.AdminConnectionString).Options;

        await PostgresCluster.ExecuteAsync(server.AdminConnectionString, "UPDATE audit_events SET \"Action\" = 'grant.revoked' WHERE \"Sequence\" = 3");
        var changed = await admin.Admin.VerifyAuditLogAsync(new VerifyAuditLogRequest());
        Assert.False(changed.Intact);
        Assert.Equal(3, changed.FirstBrokenSequence);

        await using (var db = new PostgresExchangeDbContext(dbOptions))
        {
            var previous = AuditLog.GenesisHash;
            foreach (var e in await db.AuditEvents.OrderBy(e => e.Sequence).ToListAsync())
            {
                e.PreviousHash = previous;
                e.Hash = previous = AuditLog.ComputeHash(e);
            }
            await db.SaveChangesAsync();
        }
        var rewritten = await admin.Admin.VerifyAuditLogAsync(new VerifyAuditLogRequest());
        Assert.False(rewritten.Intact);
        Assert.Equal(0, rewritten.FirstBrokenSequence);
        Assert.Contains("no longer matches", rewritten.CheckpointProblem, StringComparison.Ordinal);
    }
}
