using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.Json.Nodes;
using Exchange.Contracts;
using Exchange.V1;

namespace Exchange.EndToEndTests;

/// <summary>A server that signs its chain head every second, so a test need not wait five minutes for a checkpoint.</summary>
public sealed class CheckpointingServer : ExchangeServer
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
/// The county's archive: exported with exchange-admin, then checked with the checkpoint file and its
/// public key alone, away from the server — and a forged archive is caught.
/// </summary>
[UnsupportedOSPlatform("windows")]
public class AuditArchiveTests(CheckpointingServer server) : IClassFixture<CheckpointingServer>
{
    [Fact]
    public async Task An_exported_archive_verifies_without_the_server_and_a_changed_or_rewritten_one_does_not()
    {
        for (var i = 0; i < 2; i++)
        {
            var (client, _) = await server.NewAuthorityAsync(AuthorityKind.Municipality, "statistics.report");
            client.Dispose();
        }
        using var admin = server.Operator();
        var head = (await admin.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { NewestFirst = true, PageSize = 1 })).Events[0].Sequence;
        await Eventually.ValueAsync(async () => (await admin.Admin.VerifyAuditLogAsync(new VerifyAuditLogRequest())).LastCheckpoint?.Sequence ?? 0, signed => signed >= head);

        var work = Path.Combine(server.Root, $"archive-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        var checkpoints = Path.Combine(work, "checkpoints.jsonl");
        File.Copy(Path.Combine(server.DataDirectory, "audit-checkpoints.jsonl"), checkpoints);
        var export = Path.Combine(work, "audit.jsonl");
        Assert.Equal(0, (await AdminTool.RunAsync(server.Root, "audit", "export", "-o", export)).ExitCode);
        var verify = await AdminTool.RunAsync(server.Root, "audit", "verify", "--json");
        var publicKey = Path.Combine(work, "checkpoint-key.pub.pem");
        await File.WriteAllTextAsync(publicKey, JsonDocument.Parse(verify.Output).RootElement.GetProperty("checkpointPublicKeyPem").GetString());

        var intact = await AdminTool.RunAsync(server.Root, "audit", "verify-export", "--events", export, "--checkpoints", checkpoints, "--public-key", publicKey);
        Assert.True(intact.ExitCode == 0, intact.Output + intact.Error);
        Assert.StartsWith("intact", intact.Output, StringComparison.Ordinal);

        // One event changed in the archive.
        var lines = await File.ReadAllLinesAsync(export);
        var changed = Path.Combine(work, "changed.jsonl");
        var third = JsonNode.Parse(lines[2])!;
        third["action"] = "grant.revoked";
        await File.WriteAllLinesAsync(changed, [lines[0], lines[1], third.ToJsonString(), .. lines[3..]]);
        var broken = await AdminTool.RunAsync(server.Root, "audit", "verify-export", "--events", changed, "--checkpoints", checkpoints, "--public-key", publicKey);
        Assert.Equal(5, broken.ExitCode);
        Assert.Contains("first broken link:   event 3:", broken.Output, StringComparison.Ordinal);

        // The same change with every hash after it recomputed: only the signed checkpoint shows it.
        var rewritten = Path.Combine(work, "rewritten.jsonl");
        var previous = AuditChain.GenesisHash;
        var forged = new List<string>();
        foreach (var (line, index) in lines.Select((l, i) => (l, i)))
        {
            var e = JsonNode.Parse(line)!;
            if (index == 2)
            {
                e["action"] = "grant.revoked";
            }
            e["previousHash"] = previous;
            var hash = AuditChain.Hash(long.Parse(e["sequence"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(e["time"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture), e["actorAuthorityId"]!.GetValue<string>(),
                e["action"]!.GetValue<string>(), e["targetType"]!.GetValue<string>(), e["targetId"]!.GetValue<string>(),
                e["outcome"]!.GetValue<string>() == "AUDIT_OUTCOME_SUCCEEDED" ? "Succeeded" : "Denied", previous,
                e["subjectAuthorityId"]!.GetValue<string>(), e["count"]!.GetValue<int>(), e["reason"]!.GetValue<string>());
            e["hash"] = previous = hash;
            forged.Add(e.ToJsonString());
        }
        await File.WriteAllLinesAsync(rewritten, forged);
        var chainOnly = await AdminTool.RunAsync(server.Root, "audit", "verify-export", "--events", rewritten);
        Assert.True(chainOnly.ExitCode == 0, "without checkpoints, a consistent rewrite passes: " + chainOnly.Output);
        var caught = await AdminTool.RunAsync(server.Root, "audit", "verify-export", "--events", rewritten, "--checkpoints", checkpoints, "--public-key", publicKey);
        Assert.Equal(5, caught.ExitCode);
        Assert.Contains("no longer matches", caught.Output, StringComparison.Ordinal);
    }
}
