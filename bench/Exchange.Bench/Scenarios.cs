using System.Collections.Concurrent;
using System.Diagnostics;
using Exchange.Bench.V1;
using Exchange.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Bench;

/// <summary>The scenarios, in the order they run, sharing the server, the clients and what earlier ones stored.</summary>
internal sealed class Scenarios(BenchSettings settings, ServerUnderTest server, BenchClients clients)
{
    private const string StarterPoliceIndicator = "police_reported_offences_close_relationship";
    private const int UploadChunk = 5_000;
    private const int LoadPerUpload = 500_000;

    private LoadResult? echo;
    private BenchIndicator? benchIndicator;
    private long storedBenchCells;
    private readonly HashSet<string> askedQueries = [];

    public Task<ScenarioOutcome> RunAsync(string name, CancellationToken cancellationToken) => name switch
    {
        ScenarioNames.Echo => EchoAsync(cancellationToken),
        ScenarioNames.ListIndicators => UnaryAsync(name, (w, ct) => clients.Police(w).Statistics.ListIndicatorsAsync(new ListIndicatorsRequest(), cancellationToken: ct).ResponseAsync, cancellationToken),
        ScenarioNames.SubmitStatistics => SubmitStatisticsAsync(cancellationToken),
        ScenarioNames.SendReferral => UnaryAsync(name, (w, ct) =>
            clients.Police(w).Referrals.SendReferralAsync(ReferralRequests.New(Authorities.ReferralRecipient), cancellationToken: ct).ResponseAsync, cancellationToken),
        ScenarioNames.UploadStatistics => UploadStatisticsAsync(cancellationToken),
        ScenarioNames.QueryStatistics => QueryStatisticsAsync(cancellationToken),
        ScenarioNames.ReferralDelivery => ReferralDeliveryAsync(cancellationToken),
        _ => throw new ArgumentException($"No scenario {name}.", nameof(name)),
    };

    private static ScenarioOutcome Outcome(string scenario, LoadResult result, IReadOnlyList<ResultRow> rows) =>
        new(scenario, result.IsFailure ? "failed" : "ok",
            result.IsFailure ? result.FailureText : null,
            rows);

    // ---- 1. echo ------------------------------------------------------------------------------

    private async Task<ScenarioOutcome> EchoAsync(CancellationToken cancellationToken)
    {
        var payload = ByteString.CopyFrom(new byte[64]);
        var result = await ClosedLoop.RunAsync(ScenarioNames.Echo, settings.Concurrency, settings.WarmUp, settings.Duration,
            (w, ct) => clients.Echo(w).EchoAsync(new EchoRequest { Payload = payload }, cancellationToken: ct).ResponseAsync, cancellationToken);
        echo = result.IsFailure ? null : result;
        return Outcome(ScenarioNames.Echo, result,
            [new ResultRow(ScenarioNames.Echo, "", result.CallsPerSecond, "calls/s", result.Latencies.P50, result.Latencies.P99,
                Succeeded: result.Succeeded, Failed: result.Failed, Note: "EchoService.Echo, 64-byte payload, no token")]);
    }

    // ---- 2. authenticated unary calls ---------------------------------------------------------

    private async Task<ScenarioOutcome> UnaryAsync(string scenario, Func<int, CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        var result = await ClosedLoop.RunAsync(scenario, settings.Concurrency, settings.WarmUp, settings.Duration, call, cancellationToken);
        return Outcome(scenario, result, [VersusEcho(scenario, result)]);
    }

    private ResultRow VersusEcho(string scenario, LoadResult result) => echo is null
        ? new ResultRow(scenario, "", result.CallsPerSecond, "calls/s", result.Latencies.P50, result.Latencies.P99,
            Baseline: "not measured: no echo", Succeeded: result.Succeeded, Failed: result.Failed)
        : new ResultRow(scenario, "", result.CallsPerSecond, "calls/s", result.Latencies.P50, result.Latencies.P99,
            Baseline: Text.Invariant($"echo {echo.CallsPerSecond:N0} calls/s"), BaselineValue: echo.CallsPerSecond,
            Ratio: result.CallsPerSecond / echo.CallsPerSecond,
            P50VersusBaseline: result.Latencies.P50 / echo.Latencies.P50, P99VersusBaseline: result.Latencies.P99 / echo.Latencies.P99,
            Succeeded: result.Succeeded, Failed: result.Failed);

    private async Task<ScenarioOutcome> SubmitStatisticsAsync(CancellationToken cancellationToken)
    {
        var indicators = await clients.Police(0).Statistics.ListIndicatorsAsync(new ListIndicatorsRequest { PageSize = 1000 }, cancellationToken: cancellationToken);
        var indicator = indicators.Indicators.FirstOrDefault(i => i.Code == StarterPoliceIndicator)
            ?? indicators.Indicators.FirstOrDefault(i => i.Enabled && i.ReporterKinds.Contains(AuthorityKind.Police) && i.Dimensions.Count > 0 && !i.Code.StartsWith("bench_", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("No indicator polisregion-nord may report: the starter catalogue is missing.");
        var generators = Enumerable.Range(0, settings.Concurrency).Select(w => new SmallBatches(indicator, seed: w)).ToArray();
        var scenario = ScenarioNames.SubmitStatistics;
        var result = await ClosedLoop.RunAsync(scenario, settings.Concurrency, settings.WarmUp, settings.Duration,
            (w, ct) => clients.Police(w).Statistics.SubmitStatisticsAsync(generators[w].Next(), cancellationToken: ct).ResponseAsync, cancellationToken);
        var row = VersusEcho(scenario, result) with { Note = $"{SmallBatches.CellsPerCall} cells of {indicator.Code} per call" };
        return Outcome(scenario, result, [row]);
    }

    // ---- 3. bulk ingestion --------------------------------------------------------------------

    private async Task<BenchIndicator> BenchIndicatorAsync(CancellationToken cancellationToken)
    {
        if (benchIndicator is not null)
        {
            return benchIndicator;
        }
        var admin = clients.Operator ?? throw new InvalidOperationException(
            "No operator credential (operator-credential.json) to create the bench indicator with: the starter indicators hold too few distinct cells.");
        var code = $"bench_load_{Guid.NewGuid():N}"[..24];
        await admin.Admin.CreateIndicatorAsync(new CreateIndicatorRequest { Indicator = BenchIndicator.Definition(code) }, cancellationToken: cancellationToken);
        await Console.Error.WriteLineAsync($"   created indicator {code} ({BenchIndicator.Capacity:N0} distinct cells possible)");
        return benchIndicator = new BenchIndicator(code);
    }

    /// <summary>One UploadStatistics stream of the given chunks, as polisregion-nord; the time from opening the stream to the stored result.</summary>
    private async Task<(TimeSpan Elapsed, SubmissionResult Result)> UploadAsync(IEnumerable<UploadStatisticsRequest> chunks, Action<int> sent, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var call = clients.Police(0).Statistics.UploadStatistics(cancellationToken: cancellationToken);
        try
        {
            foreach (var chunk in chunks)
            {
                await call.RequestStream.WriteAsync(chunk, cancellationToken);
                sent(chunk.Cells.Count);
            }
            await call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            // A refusal ends the call while chunks are still being written: the response holds the reason.
            await call.ResponseAsync;
            throw;
        }
        var response = await call.ResponseAsync;
        return (Stopwatch.GetElapsedTime(started), response.Result);
    }

    private static IEnumerable<UploadStatisticsRequest> Chunks(BenchIndicator indicator, long from, long to)
    {
        var requestId = Guid.NewGuid().ToString();
        for (var offset = from; offset < to; offset += UploadChunk)
        {
            var end = Math.Min(to, offset + UploadChunk);
            var chunk = new UploadStatisticsRequest { RequestId = offset == from ? requestId : "", Last = end == to };
            for (var i = offset; i < end; i++)
            {
                chunk.Cells.Add(indicator.CellAt(i));
            }
            yield return chunk;
        }
    }

    private async Task<ScenarioOutcome> UploadStatisticsAsync(CancellationToken cancellationToken)
    {
        var scenario = ScenarioNames.UploadStatistics;
        var indicator = await BenchIndicatorAsync(cancellationToken);
        var from = storedBenchCells;
        var to = from + settings.UploadCells;
        // Built before the clock starts: the figure is the exchange's, not the generator's.
        var chunks = Chunks(indicator, from, to).ToList();
        long sent = 0;
        TimeSpan elapsed;
        SubmissionResult result;
        await using (ProgressTicker.Start(scenario, () => Text.Invariant($"{Interlocked.Read(ref sent):N0} of {to - from:N0} cells sent")))
        {
            (elapsed, result) = await UploadAsync(chunks, n => Interlocked.Add(ref sent, n), cancellationToken);
        }
        storedBenchCells = to;
        var cellsPerSecond = (to - from) / elapsed.TotalSeconds;
        if (result.CellCount != to - from)
        {
            return new ScenarioOutcome(scenario, "failed", Text.Invariant($"The server stored {result.CellCount:N0} of {to - from:N0} cells."), []);
        }
        var rows = new List<ResultRow>();
        var (raw, rawMissing) = await RawInsertAsync(indicator, from, to, cancellationToken);
        rows.Add(new ResultRow(scenario, "", cellsPerSecond, "cells/s", null, null,
            Baseline: raw is null ? rawMissing : Text.Invariant($"raw insert {raw:N0} cells/s"), BaselineValue: raw, Ratio: cellsPerSecond / raw,
            Succeeded: 1, Note: Text.Invariant($"{to - from:N0} cells in one stream of {UploadChunk:N0}-cell chunks, {elapsed.TotalSeconds:F2} s")));
        if (raw is not null)
        {
            rows.Add(new ResultRow(scenario, "raw insert", raw, "cells/s", null, null,
                Note: $"the same rows into bench_raw_cells ({server.Database!.Provider}), 1,000 per transaction"));
        }
        return new ScenarioOutcome(scenario, "ok", null, rows);
    }

    private async Task<(double? CellsPerSecond, string? Missing)> RawInsertAsync(BenchIndicator indicator, long from, long to, CancellationToken cancellationToken)
    {
        if (server.Database is null)
        {
            return (null, server.DatabaseMissing);
        }
        if (await server.Database.ProblemAsync(cancellationToken) is { } problem)
        {
            return (null, problem);
        }
        var submissionId = Guid.NewGuid().ToString();
        var rows = new List<StoredCellRow>((int)(to - from));
        for (var i = from; i < to; i++)
        {
            rows.Add(indicator.RowAt(i, Authorities.Police, submissionId));
        }
        var inserted = 0;
        TimeSpan elapsed;
        await using (ProgressTicker.Start("upload-statistics raw insert", () => Text.Invariant($"{Volatile.Read(ref inserted):N0} of {rows.Count:N0} rows")))
        {
            elapsed = await server.Database.InsertRawAsync(rows, n => Volatile.Write(ref inserted, n), cancellationToken);
        }
        return (rows.Count / elapsed.TotalSeconds, null);
    }

    // ---- 4. queries at scale ------------------------------------------------------------------

    /// <summary>Uploads bench cells until <paramref name="target"/> are stored, in uploads of at most 500,000 cells.</summary>
    private async Task<(long Loaded, TimeSpan Elapsed)> LoadUntilAsync(BenchIndicator indicator, long target, CancellationToken cancellationToken)
    {
        var loaded = 0L;
        var started = Stopwatch.GetTimestamp();
        var goal = target - storedBenchCells;
        await using (ProgressTicker.Start("query-statistics load", () => Text.Invariant($"{Interlocked.Read(ref loaded):N0} of {goal:N0} cells uploaded (stored {storedBenchCells:N0})")))
        {
            while (storedBenchCells < target)
            {
                var to = Math.Min(target, storedBenchCells + LoadPerUpload);
                var (_, result) = await UploadAsync(Chunks(indicator, storedBenchCells, to), n => Interlocked.Add(ref loaded, n), cancellationToken);
                if (result.CellCount != to - storedBenchCells)
                {
                    throw new InvalidOperationException(Text.Invariant($"The server stored {result.CellCount:N0} of {to - storedBenchCells:N0} cells."));
                }
                storedBenchCells = to;
            }
        }
        return (goal, Stopwatch.GetElapsedTime(started));
    }

    private async Task<ScenarioOutcome> QueryStatisticsAsync(CancellationToken cancellationToken)
    {
        var scenario = ScenarioNames.QueryStatistics;
        var indicator = await BenchIndicatorAsync(cancellationToken);
        var rawProblem = server.Database is null ? server.DatabaseMissing : await server.Database.ProblemAsync(cancellationToken);
        var rows = new List<ResultRow>();
        var failures = new List<string>();
        foreach (var level in settings.QueryLevels)
        {
            var levelName = level >= 1_000_000 ? Text.Invariant($"{level / 1_000_000}M") : Text.Invariant($"{level / 1_000}k");
            var (loaded, loadTime) = await LoadUntilAsync(indicator, level, cancellationToken);
            var loadNote = loaded > 0 ? Text.Invariant($"loaded {loaded:N0} cells for it in {loadTime.TotalSeconds:F1} s ({loaded / loadTime.TotalSeconds:N0} cells/s)") : null;
            await Console.Error.WriteLineAsync(Text.Invariant($"   {storedBenchCells:N0} cells stored; {loadNote}"));

            var fresh = indicator.Queries(storedBenchCells).Where(q => askedQueries.Add(q.Key)).Take(settings.FreshQueries).ToList();
            if (fresh.Count == 0)
            {
                failures.Add($"no fresh query left at {levelName}");
                continue;
            }
            var reader = clients.Reader(0).Statistics;
            var answered = new ConcurrentBag<int>();
            async Task Ask(BenchQuery query, CancellationToken ct)
            {
                var response = await reader.QueryStatisticsAsync(query.Request(), deadline: DateTime.UtcNow.AddMinutes(10), cancellationToken: ct);
                answered.Add(response.Cells.Count);
            }
            var queue = new Queue<BenchQuery>(fresh);
            var freshResult = await ClosedLoop.SequentialAsync($"{scenario} fresh {levelName}", TimeSpan.MaxValue, fresh.Count,
                ct => Ask(queue.Dequeue(), ct), cancellationToken);
            var repeated = fresh[0];
            var repeatedResult = await ClosedLoop.SequentialAsync($"{scenario} repeated {levelName}", settings.Duration, 10_000,
                ct => Ask(repeated, ct), cancellationToken);

            LoadResult? rawFresh = null, rawRepeated = null;
            var groups = new ConcurrentBag<int>();
            if (rawProblem is null)
            {
                await using var connection = await server.Database!.OpenAsync(cancellationToken);
                var rawQueue = new Queue<BenchQuery>(fresh);
                rawFresh = await ClosedLoop.SequentialAsync($"{scenario} raw fresh {levelName}", TimeSpan.MaxValue, fresh.Count,
                    async ct => groups.Add(await server.Database.AggregateAsync(connection, rawQueue.Dequeue().Raw(), ct)), cancellationToken);
                rawRepeated = await ClosedLoop.SequentialAsync($"{scenario} raw repeated {levelName}", settings.Duration, 10_000,
                    ct => server.Database.AggregateAsync(connection, repeated.Raw(), ct), cancellationToken);
            }
            var shapeNote = Text.Invariant($"{fresh.Count} distinct queries (one year × one kommun, grouped by one dimension, some filtered by the other), one at a time; {answered.Min()}–{answered.Max()} cells per answer")
                + (groups.IsEmpty ? "" : Text.Invariant($", raw {groups.Min()}–{groups.Max()} groups"));
            rows.Add(QueryRow(scenario, $"fresh @{levelName}", freshResult, rawFresh, rawProblem, $"{shapeNote}; {loadNote}"));
            rows.Add(QueryRow(scenario, $"repeated @{levelName}", repeatedResult, rawRepeated, rawProblem, $"the first fresh query again, one at a time, for {settings.Duration.TotalSeconds:F0} s"));
            if (rawFresh is not null)
            {
                rows.Add(RawRow(scenario, $"raw SQL fresh @{levelName}", rawFresh));
                rows.Add(RawRow(scenario, $"raw SQL repeated @{levelName}", rawRepeated!));
            }
            foreach (var result in new[] { freshResult, repeatedResult, rawFresh, rawRepeated }.OfType<LoadResult>().Where(r => r.IsFailure))
            {
                failures.Add($"@{levelName}: {result.FailureText}");
            }
        }
        return new ScenarioOutcome(scenario, failures.Count > 0 ? "failed" : "ok", failures.Count > 0 ? string.Join("; ", failures) : null, rows);
    }

    private static ResultRow QueryRow(string scenario, string figure, LoadResult result, LoadResult? raw, string? rawProblem, string note) =>
        new(scenario, figure, result.Succeeded, "queries", result.Latencies.P50, result.Latencies.P99,
            Baseline: raw is null ? rawProblem : Text.Invariant($"raw SQL p50 {raw.Latencies.P50:N2} ms"),
            BaselineValue: raw?.Latencies.P50,
            Ratio: raw is null ? null : result.Latencies.P50 / raw.Latencies.P50,
            P50VersusBaseline: raw is null ? null : result.Latencies.P50 / raw.Latencies.P50,
            P99VersusBaseline: raw is null ? null : result.Latencies.P99 / raw.Latencies.P99,
            Succeeded: result.Succeeded, Failed: result.Failed, Note: note);

    private static ResultRow RawRow(string scenario, string figure, LoadResult raw) =>
        new(scenario, figure, raw.Succeeded, "queries", raw.Latencies.P50, raw.Latencies.P99, Succeeded: raw.Succeeded, Failed: raw.Failed,
            Note: "GROUP BY sum over statistics_cells with the same filters, on one open connection");

    // ---- 5. referral delivery -----------------------------------------------------------------

    private async Task<ScenarioOutcome> ReferralDeliveryAsync(CancellationToken cancellationToken)
    {
        var scenario = ScenarioNames.ReferralDelivery;
        var seen = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var events = 0L;
        var watching = Task.Run(async () =>
        {
            using var call = clients.Recipient(0).Referrals.WatchReferrals(new WatchReferralsRequest(), cancellationToken: stopWatching.Token);
            while (await call.ResponseStream.MoveNext(stopWatching.Token))
            {
                var change = call.ResponseStream.Current;
                Interlocked.Increment(ref events);
                if (change.Type == ReferralEventType.Received)
                {
                    seen.TryAdd(change.Referral.Id, Stopwatch.GetTimestamp());
                }
            }
        }, CancellationToken.None);

        try
        {
            // The watch starts with the oldest event held (the send-referral scenario's too): a probe
            // seen means the backlog is behind and what follows arrives as it happens.
            var probe = await clients.Police(0).Referrals.SendReferralAsync(ReferralRequests.New(Authorities.ReferralRecipient), cancellationToken: cancellationToken);
            var probeDeadline = Stopwatch.GetTimestamp() + 120 * Stopwatch.Frequency;
            await using (ProgressTicker.Start($"{scenario} catching up", () => Text.Invariant($"{Interlocked.Read(ref events):N0} earlier events read")))
            {
                while (!seen.ContainsKey(probe.Referral.Id))
                {
                    if (watching.IsCompleted)
                    {
                        await watching;
                        throw new InvalidOperationException("The watch ended.");
                    }
                    if (Stopwatch.GetTimestamp() > probeDeadline)
                    {
                        throw new TimeoutException("The watcher did not see the probe referral within 120 s.");
                    }
                    await Task.Delay(10, cancellationToken);
                }
            }

            var count = settings.Deliveries;
            var sentAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
            var failed = 0L;
            string? firstError = null;
            var sends = new List<Task>(count);
            var interval = Stopwatch.Frequency / BenchSettings.DeliveryRate;
            var start = Stopwatch.GetTimestamp();
            await using (ProgressTicker.Start(scenario, () => Text.Invariant($"{sentAt.Count:N0} sent, {sentAt.Keys.Count(seen.ContainsKey):N0} seen, {Interlocked.Read(ref failed):N0} failed")))
            {
                for (var i = 0; i < count; i++)
                {
                    var due = start + i * interval;
                    var wait = due - Stopwatch.GetTimestamp();
                    if (wait > 0)
                    {
                        await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancellationToken);
                    }
                    sends.Add(Task.Run(async () =>
                    {
                        var before = Stopwatch.GetTimestamp();
                        try
                        {
                            var response = await clients.Police(i).Referrals.SendReferralAsync(ReferralRequests.New(Authorities.ReferralRecipient), cancellationToken: cancellationToken);
                            sentAt[response.Referral.Id] = before;
                        }
                        catch (RpcException e)
                        {
                            Interlocked.Increment(ref failed);
                            Interlocked.CompareExchange(ref firstError, Text.Describe(e), null);
                        }
                    }, cancellationToken));
                }
                await Task.WhenAll(sends);
                var waitUntil = Stopwatch.GetTimestamp() + 10 * Stopwatch.Frequency;
                while (sentAt.Keys.Any(id => !seen.ContainsKey(id)) && Stopwatch.GetTimestamp() < waitUntil)
                {
                    await Task.Delay(20, cancellationToken);
                }
            }
            var latencies = new Latencies();
            var missed = 0;
            foreach (var (id, before) in sentAt)
            {
                if (seen.TryGetValue(id, out var at))
                {
                    latencies.Add(at - before);
                }
                else
                {
                    missed++;
                }
            }
            var result = new LoadResult(latencies.Count, failed + missed, TimeSpan.FromSeconds((double)count / BenchSettings.DeliveryRate), latencies,
                firstError ?? (missed > 0 ? $"{missed} referral(s) not seen by the watcher within 10 s" : null));
            var p99 = latencies.P99;
            var row = new ResultRow(scenario, "", latencies.Count, "delivered", latencies.P50, p99,
                Baseline: "target p99 < 50 ms", BaselineValue: 50, Ratio: p99 / 50,
                Succeeded: result.Succeeded, Failed: result.Failed,
                Note: Text.Invariant($"{count:N0} referrals at {BenchSettings.DeliveryRate}/s, {Authorities.Police} → {Authorities.ReferralRecipient}; from before SendReferral to the WatchReferrals event; {(p99 < 50 ? "within" : "over")} target"));
            return Outcome(scenario, result, [row]);
        }
        finally
        {
            await stopWatching.CancelAsync();
            try
            {
                await watching;
            }
            catch (Exception e) when (e is OperationCanceledException or RpcException)
            {
                // The watch was stopped.
            }
        }
    }
}

/// <summary>SubmitStatistics requests of a few valid cells of one indicator, at random periods, areas and dimension values.</summary>
internal sealed class SmallBatches(Indicator indicator, int seed)
{
    public const int CellsPerCall = 5;
    private const int FirstYear = 2000;
    private const int LastYear = 2025;

#pragma warning disable CA5394 // Load generation, not security: a seeded, reproducible sequence is the point.
    private readonly Random random = new(seed);

    public SubmitStatisticsRequest Next()
    {
        var request = new SubmitStatisticsRequest { RequestId = Guid.NewGuid().ToString("N") };
        var year = random.Next(FirstYear, LastYear + 1);
        var number = indicator.ReportingPeriod switch
        {
            PeriodType.Month => random.Next(1, 13),
            PeriodType.Quarter => random.Next(1, 5),
            _ => 0,
        };
        var area = indicator.ReportingLevel == AreaLevel.County ? "22" : Authorities.Municipalities[random.Next(Authorities.Municipalities.Count)];
        var combinations = indicator.Dimensions.Aggregate(1L, (n, d) => n * d.Values.Count);
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        while (request.Cells.Count < Math.Min(CellsPerCall, combinations))
        {
            var values = indicator.Dimensions.Select(d => new DimensionValue { Dimension = d.Code, Value = d.Values[random.Next(d.Values.Count)] }).ToList();
            if (!chosen.Add(string.Join(';', values.Select(v => v.Value))))
            {
                continue;
            }
            request.Cells.Add(new Cell
            {
                IndicatorCode = indicator.Code,
                Period = new Period { Type = indicator.ReportingPeriod, Year = year, Number = number },
                AreaCode = area,
                Dimensions = { values },
                Count = random.Next(0, 200),
            });
        }
        return request;
    }
#pragma warning restore CA5394
}

/// <summary>A valid synthetic referral with consent, as the end-to-end tests send them (ReferralTestData): a new request id each time.</summary>
internal static class ReferralRequests
{
    // A synthetic personnummer with a valid check digit; no real person's.
    private const string Personnummer = "198112189876";

    public static SendReferralRequest New(string recipientId)
    {
        var now = DateTimeOffset.UtcNow;
        return new SendReferralRequest
        {
            RequestId = Guid.NewGuid().ToString("N"),
            RecipientAuthorityId = recipientId,
            Subject = new Subject
            {
                IdentifierType = IdentifierType.Personnummer,
                Identifier = Personnummer,
                GivenName = "Testperson",
                FamilyName = "Exempelsdotter",
                ProtectionLevel = ProtectionLevel.None,
                Contact = new ContactDetails { Phone = "070-1234567" },
            },
            ReasonCategory = ReasonCategory.IntimatePartnerViolence,
            Message = "Kontakta henne via mottagningen, hon vill ha stöd i boendefrågan.",
            Consent = new Consent
            {
                Grantor = ConsentGrantor.Subject,
                GivenTime = Timestamp.FromDateTimeOffset(now.AddMinutes(-30)),
                Method = ConsentMethod.Written,
                DocumentedBy = "polis-4711",
                DataCategories = { DataCategory.Identity, DataCategory.Contact, DataCategory.CaseDescription },
                Purpose = "Stöd från socialtjänsten efter polisens insats.",
                RecipientAuthorityId = recipientId,
                ExpireTime = Timestamp.FromDateTimeOffset(now.AddDays(90)),
            },
        };
    }
}
