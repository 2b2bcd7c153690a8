using System.Diagnostics;
using System.Text;
using Exchange.V1;
using Google.Protobuf;
using Exchange.Client;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using StatusCode = Grpc.Core.StatusCode;
using static Exchange.EndToEndTests.ReferralTestData;

namespace Exchange.EndToEndTests;

/// <summary>The server with OpenTelemetry's in-memory exporters beside its own: what a collector would receive.</summary>
public sealed class TelemetryServer : ExchangeServer
{
    // The privacy proof also reads the store's raw files, which SQLite has in the data directory
    // (PostgresReferralStorageTests reads PostgreSQL's).
    protected override bool OnPostgres => false;

    private readonly List<Activity> spans = [];
    private readonly List<Metric> metrics = [];

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
        services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics));
    }

    /// <summary>Every span and metric exported so far, after a flush.</summary>
    public (List<Activity> Spans, List<Metric> Metrics) Exported()
    {
        Services.GetRequiredService<TracerProvider>().ForceFlush();
        Services.GetRequiredService<MeterProvider>().ForceFlush();
        lock (spans)
        {
            return ([.. spans], [.. metrics]);
        }
    }
}

/// <summary>Traces and metrics name the calling authority and the method; nothing any of them carries is personal data.</summary>
public class TelemetryTests(TelemetryServer server) : IClassFixture<TelemetryServer>
{
    private static IEnumerable<(string Key, string Value)> Tags(MetricPoint point)
    {
        foreach (var tag in point.Tags)
        {
            yield return (tag.Key, tag.Value?.ToString() ?? "");
        }
    }

    private static IEnumerable<MetricPoint> Points(Metric metric)
    {
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            yield return point;
        }
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task A_calls_span_and_the_call_metric_carry_the_authority_and_the_method()
    {
        var (client, id) = await server.NewAuthorityAsync(AuthorityKind.Municipality, "referrals.receive");
        using var _ = client;
        await client.Referrals.ListReferralsAsync(new ListReferralsRequest { Box = ReferralBox.Inbox });
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await client.Referrals.SendReferralAsync(Referral("kramfors-kommun", DateTimeOffset.UtcNow)));

        var (spans, metrics) = server.Exported();

        const string List = "/exchange.v1.ReferralService/ListReferrals";
        var span = Assert.Single(spans, s => Equals(s.GetTagItem("exchange.authority_id"), id) && Equals(s.GetTagItem("rpc.method"), List));
        Assert.Equal("OK", span.GetTagItem("rpc.grpc.status_code"));
        // The database work of the call is traced as its children, without the statements.
        var database = spans.Where(s => s.Source.Name.Contains("EntityFrameworkCore", StringComparison.Ordinal)).ToList();
        Assert.Contains(database, s => s.TraceId == span.TraceId);
        Assert.All(database, s => Assert.Null(s.GetTagItem("db.query.text") ?? s.GetTagItem("db.statement")));

        // Each export adds its snapshot of the cumulative sums: the latest holds them all.
        var calls = Points(metrics.Last(m => m.Name == "exchange.calls" && Points(m).Any(p => Tags(p).Contains(("exchange.authority_id", id))))).ToList();
        Assert.Contains(calls, p => Tags(p).Contains(("exchange.authority_id", id)) && Tags(p).Contains(("rpc.method", List)) && Tags(p).Contains(("rpc.grpc.status_code", "OK")) && p.GetSumLong() >= 1);
        Assert.Contains(calls, p => Tags(p).Contains(("exchange.authority_id", id)) && Tags(p).Contains(("rpc.method", "/exchange.v1.ReferralService/SendReferral")) && Tags(p).Contains(("rpc.grpc.status_code", "PermissionDenied")));
        Assert.Contains(metrics, m => m.Name == "exchange.tokens.issued" && Points(m).Any(p => Tags(p).Contains(("exchange.authority_id", id))));
    }

    [Fact]
    public async Task Known_personal_data_sent_through_every_referral_call_and_refusal_appears_in_no_log_span_metric_audit_event_error_or_database_file()
    {
        var (police, _) = await server.NewAuthorityInAsync(AuthorityKind.Police, ["22"], "referrals.send");
        var (kramfors, kramforsId) = await server.NewRecipientAsync(AuthorityKind.Municipality, AuthorityKind.Police);
        var (outsider, _) = await server.NewAuthorityInAsync(AuthorityKind.Police, ["22"], "referrals.send");
        using var _ = police;
        using var __ = kramfors;
        using var ___ = outsider;
        var errors = new StringBuilder();
        async Task Refused(Func<Task> call)
        {
            var e = await Assert.ThrowsAsync<RpcException>(call);
            errors.AppendLine(e.Status.Detail).AppendLine(e.Message);
            foreach (var trailer in e.Trailers)
            {
                errors.AppendLine(trailer.IsBinary ? Encoding.UTF8.GetString(trailer.ValueBytes) : trailer.Value);
            }
        }

        var now = DateTimeOffset.UtcNow;
        var sent = (await police.Referrals.SendReferralAsync(Referral(kramforsId, now))).Referral;
        await police.Referrals.WatchReferralsAsync(new ReferralWatchOptions { LoadCursor = _ => Task.FromResult<string?>(null), SaveCursor = (_, _) => Task.CompletedTask },
            (_, _) => Task.CompletedTask, new CancellationTokenSource(TimeSpan.FromMilliseconds(500)).Token);
        await kramfors.Referrals.ListReferralsAsync(new ListReferralsRequest { Box = ReferralBox.Inbox });
        await kramfors.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = sent.Id });
        await kramfors.Referrals.UpdateReferralStatusAsync(new UpdateReferralStatusRequest { RequestId = "a", ReferralId = sent.Id, Status = ReferralStatus.Accepted });
        await police.Referrals.ListReferralAuditEventsAsync(new ListReferralAuditEventsRequest { ReferralId = sent.Id });
        // Refusals, each carrying the person's data.
        var expired = Referral(kramforsId, now);
        expired.Consent.ExpireTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(now.AddDays(-1));
        await Refused(async () => await police.Referrals.SendReferralAsync(expired));
        var protectedSubject = Referral(kramforsId, now);
        protectedSubject.Subject.ProtectionLevel = ProtectionLevel.SkyddadFolkbokforing;
        await Refused(async () => await police.Referrals.SendReferralAsync(protectedSubject));
        await Refused(async () => await police.Referrals.SendReferralAsync(Referral(kramforsId, now, requestId: Personnummer)));
        var otherRecipient = Referral(kramforsId, now);
        otherRecipient.Consent.RecipientAuthorityId = "sundsvall-kommun";
        await Refused(async () => await police.Referrals.SendReferralAsync(otherRecipient));
        await Refused(async () => await outsider.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = sent.Id }));
        await Refused(async () => await kramfors.Referrals.SendReferralAsync(Referral(kramforsId, now)));
        await police.Referrals.WithdrawConsentAsync(new WithdrawConsentRequest { RequestId = "w", ReferralId = sent.Id });
        await Refused(async () => await kramfors.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = sent.Id }));

        var (spans, metrics) = server.Exported();
        var exported = new StringBuilder();
        foreach (var span in spans)
        {
            exported.AppendLine(span.DisplayName).AppendLine(span.StatusDescription);
            foreach (var tag in span.TagObjects)
            {
                exported.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{tag.Key}={tag.Value}");
            }
            foreach (var spanEvent in span.Events)
            {
                exported.AppendLine(spanEvent.Name);
                foreach (var tag in spanEvent.Tags)
                {
                    exported.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{tag.Key}={tag.Value}");
                }
            }
        }
        foreach (var metric in metrics)
        {
            foreach (var point in Points(metric))
            {
                foreach (var (key, value) in Tags(point))
                {
                    exported.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{metric.Name} {key}={value}");
                }
            }
        }
        using var admin = server.Operator();
        var audit = await admin.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { PageSize = 1000, NewestFirst = true });
        var sources = new Dictionary<string, string>
        {
            ["spans"] = exported.ToString(),
            ["log (every level)"] = string.Join('\n', server.Logs),
            ["audit"] = JsonFormatter.Default.Format(audit),
            ["errors"] = errors.ToString(),
            ["checkpoints"] = string.Join('\n', Directory.GetFiles(server.DataDirectory, "audit-checkpoints*").Select(File.ReadAllText)),
        };
        // The raw database files, journals included: ciphertext only (UTF-8 and UTF-16 both searched).
        foreach (var file in Directory.GetFiles(server.DataDirectory, "*.db*"))
        {
            var bytes = ReadShared(file);
            sources[Path.GetFileName(file)] = Encoding.UTF8.GetString(bytes) + Encoding.Unicode.GetString(bytes);
        }

        // What happened is counted, by status and cause, without a person or a referral id in any tag.
        bool Counted(string name, string key, string value) =>
            metrics.Any(m => m.Name == name && Points(m).Any(p => Tags(p).Contains((key, value))));
        Assert.True(Counted("exchange.referrals.status_changes", "status", "revoked"));
        Assert.True(Counted("exchange.referrals.status_changes", "status", "accepted"));
        Assert.True(Counted("exchange.referrals.erasures", "cause", "ConsentWithdrawn"));
        Assert.True(Counted("exchange.calls.denied", "rpc.method", "/exchange.v1.ReferralService/SendReferral"));
        Assert.True(Counted("exchange.calls", "rpc.method", "/exchange.v1.ReferralService/WatchReferrals"));
        Assert.Contains(metrics, m => m.Name == "exchange.referrals.watches");
        Assert.DoesNotContain(sent.Id, sources["spans"], StringComparison.Ordinal);
        Assert.Contains(sent.Id, sources["audit"], StringComparison.Ordinal);
        Assert.Contains("rpc.method=/exchange.v1.ReferralService/GetReferral", sources["spans"], StringComparison.Ordinal);
        Assert.True(errors.Length > 0);
        foreach (var (source, text) in sources)
        {
            foreach (var value in new[] { Personnummer, Personnummer[2..], GivenName, FamilyName, Phone, Message[..24], "polis-4711" })
            {
                Assert.False(text.Contains(value, StringComparison.OrdinalIgnoreCase), $"the {source} hold a personal value");
            }
        }
    }
}
