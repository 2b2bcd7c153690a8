using System.Text.Json;
using Exchange.Server.Audit;
using Exchange.Server.Storage;
using Exchange.V1;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Exchange.EndToEndTests;

/// <summary>
/// Someone with write access to the database changes the audit log behind the server's back, while it
/// is stopped; the server started again on the same data names the first broken link, or the signed
/// checkpoint the log no longer matches, every time.
/// </summary>
public class AuditTamperTests
{
    /// <summary>The chain's head when the first server stopped (and signed it), and what verifying found after <paramref name="tamper"/>.</summary>
    private static async Task<(long Head, VerifyAuditLogResponse Result)> TamperedAsync(Func<SqliteExchangeDbContext, long, Task> tamper, Action<string>? editCheckpoints = null)
    {
        var root = Path.Combine(Path.GetTempPath(), $"exchange-e2e-{Guid.NewGuid():N}");
        try
        {
            await using (var before = new SqliteServerOnDirectory(root))
            {
                await before.InitializeAsync();
                for (var i = 0; i < 3; i++)
                {
                    var (client, _) = await before.NewAuthorityAsync(AuthorityKind.Municipality, "statistics.report");
                    client.Dispose();
                }
            }
            var database = Path.Combine(root, "exchange", "exchange.db");
            long head;
            await using (var db = new SqliteExchangeDbContext(new DbContextOptionsBuilder<SqliteExchangeDbContext>().UseSqlite($"Data Source={database};Pooling=False").Options))
            {
                head = await db.AuditEvents.MaxAsync(e => e.Sequence);
                await tamper(db, head);
            }
            editCheckpoints?.Invoke(Path.Combine(root, "exchange", "audit-checkpoints.jsonl"));

            await using var after = new SqliteServerOnDirectory(root);
            await after.InitializeAsync();
            using var admin = after.Operator();
            return (head, await admin.Admin.VerifyAuditLogAsync(new VerifyAuditLogRequest()));
        }
        finally
        {
            await DeleteAsync(root);
        }
    }

    private static Task<int> Sql(DbContext db, string sql) => db.Database.ExecuteSqlRawAsync(sql);

    private static async Task DeleteAsync(string root)
    {
        SqliteConnection.ClearAllPools();
        // A stopped server's last file handles close a moment after it returns.
        for (var attempt = 1; Directory.Exists(root); attempt++)
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException) when (attempt < 5)
            {
                await Task.Delay(200);
            }
        }
    }

    [Fact]
    public async Task An_untouched_log_is_intact_and_its_head_was_signed_when_the_server_stopped()
    {
        var (head, result) = await TamperedAsync((_, _) => Task.CompletedTask);

        Assert.True(result.Intact, result.ChainProblem + result.CheckpointProblem);
        Assert.True(result.EventsChecked >= head);
        Assert.Equal(0, result.FirstBrokenSequence);
        Assert.True(result.CheckpointsChecked >= 1);
        Assert.True(result.LastCheckpoint.Sequence >= head);
        Assert.Contains("BEGIN PUBLIC KEY", result.CheckpointPublicKeyPem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_changed_event_is_named()
    {
        var (_, result) = await TamperedAsync((db, _) => Sql(db, "UPDATE audit_events SET \"Action\" = 'grant.revoked' WHERE \"Sequence\" = 4"));

        Assert.False(result.Intact);
        Assert.Equal(4, result.FirstBrokenSequence);
        Assert.Contains("was changed", result.ChainProblem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_event_is_named()
    {
        var (_, result) = await TamperedAsync((db, _) => Sql(db, "DELETE FROM audit_events WHERE \"Sequence\" = 5"));

        Assert.False(result.Intact);
        Assert.Equal(5, result.FirstBrokenSequence);
        Assert.Contains("missing", result.ChainProblem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_reordered_events_are_named_where_the_order_breaks()
    {
        var (_, result) = await TamperedAsync((db, _) => Sql(db, """
            UPDATE audit_events SET "Sequence" = -1 WHERE "Sequence" = 3;
            UPDATE audit_events SET "Sequence" = 3 WHERE "Sequence" = 4;
            UPDATE audit_events SET "Sequence" = 4 WHERE "Sequence" = -1;
            """));

        Assert.False(result.Intact);
        Assert.Equal(3, result.FirstBrokenSequence);
    }

    [Fact]
    public async Task An_inserted_event_is_named_even_when_it_links_to_the_one_before()
    {
        var (_, result) = await TamperedAsync(async (db, _) =>
        {
            // Make room after event 2 and insert an event that links to event 2 and hashes correctly.
            await Sql(db, "UPDATE audit_events SET \"Sequence\" = -\"Sequence\" - 1 WHERE \"Sequence\" > 2; UPDATE audit_events SET \"Sequence\" = -\"Sequence\" WHERE \"Sequence\" < 0");
            var second = await db.AuditEvents.AsNoTracking().SingleAsync(e => e.Sequence == 2);
            var forged = new AuditEventEntity
            {
                Sequence = 3, Time = second.Time, ActorAuthorityId = "exchange-operator", Action = "grant.created", TargetType = "grant", TargetId = "forged",
                PreviousHash = second.Hash, Hash = "",
            };
            forged.Hash = AuditLog.ComputeHash(forged);
            db.AuditEvents.Add(forged);
            await db.SaveChangesAsync();
        });

        Assert.False(result.Intact);
        // The inserted event itself is sound; the one after it no longer links.
        Assert.Equal(4, result.FirstBrokenSequence);
        Assert.Contains("does not link", result.ChainProblem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chain_rewritten_end_to_end_with_every_hash_recomputed_fails_its_signed_checkpoint()
    {
        var (head, result) = await TamperedAsync(async (db, _) =>
        {
            var events = await db.AuditEvents.OrderBy(e => e.Sequence).ToListAsync();
            events[3].Action = "grant.revoked";
            var previous = AuditLog.GenesisHash;
            foreach (var e in events)
            {
                e.PreviousHash = previous;
                e.Hash = previous = AuditLog.ComputeHash(e);
            }
            await db.SaveChangesAsync();
        });

        Assert.False(result.Intact);
        Assert.Equal(0, result.FirstBrokenSequence);
        // The first checkpoint signed at or after the changed event (the first server may also have
        // signed one while it started); the one at the head, signed when it stopped, at the latest.
        Assert.InRange(result.MismatchedCheckpoint.Sequence, 4, head);
        Assert.Contains("no longer matches", result.CheckpointProblem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_removed_from_the_end_fail_the_checkpoint_that_signed_them()
    {
        var (head, result) = await TamperedAsync((db, head) => Sql(db, $"DELETE FROM audit_events WHERE \"Sequence\" > {head - 2}"));

        Assert.False(result.Intact);
        Assert.InRange(result.MismatchedCheckpoint.Sequence, head - 1, head);
    }

    [Fact]
    public async Task A_checkpoint_edited_to_match_a_rewritten_chain_is_no_longer_signed()
    {
        string? forgedHash = null;
        var (head, result) = await TamperedAsync(async (db, head) =>
        {
            var last = await db.AuditEvents.SingleAsync(e => e.Sequence == head);
            last.Action = "grant.revoked";
            last.Hash = forgedHash = AuditLog.ComputeHash(last);
            await db.SaveChangesAsync();
        }, file =>
        {
            var lines = File.ReadAllLines(file);
            var last = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(lines[^1])!;
            var edited = last.ToDictionary(p => p.Key, p => p.Key == "hash" ? (object)forgedHash! : p.Value);
            lines[^1] = JsonSerializer.Serialize(edited);
            File.WriteAllLines(file, lines);
        });

        Assert.False(result.Intact);
        Assert.Equal(head, result.MismatchedCheckpoint.Sequence);
        Assert.Contains("not signed", result.CheckpointProblem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_signs_no_checkpoint_over_events_changed_while_it_ran()
    {
        var root = Path.Combine(Path.GetTempPath(), $"exchange-e2e-{Guid.NewGuid():N}");
        var file = Path.Combine(root, "exchange", "audit-checkpoints.jsonl");
        try
        {
            long head;
            int signedBefore;
            await using (var running = new SqliteServerOnDirectory(root))
            {
                await running.InitializeAsync();
                var (client, _) = await running.NewAuthorityAsync(AuthorityKind.Municipality, "statistics.report");
                client.Dispose();
                signedBefore = File.Exists(file) ? File.ReadAllLines(file).Length : 0;
                await using var db = new SqliteExchangeDbContext(new DbContextOptionsBuilder<SqliteExchangeDbContext>()
                    .UseSqlite($"Data Source={Path.Combine(root, "exchange", "exchange.db")};Pooling=False").Options);
                head = await db.AuditEvents.MaxAsync(e => e.Sequence);
                await Sql(db, $"UPDATE audit_events SET \"Action\" = 'grant.revoked' WHERE \"Sequence\" = {head}");
            }

            // Stopping signs the head only over a chain that still holds: this one does not.
            Assert.Equal(signedBefore, File.Exists(file) ? File.ReadAllLines(file).Length : 0);
            await using var after = new SqliteServerOnDirectory(root);
            await after.InitializeAsync();
            using var admin = after.Operator();
            var result = await admin.Admin.VerifyAuditLogAsync(new VerifyAuditLogRequest());
            Assert.Equal(head, result.FirstBrokenSequence);
        }
        finally
        {
            await DeleteAsync(root);
        }
    }
}
