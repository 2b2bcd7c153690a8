using System.Collections.Concurrent;
using Exchange.Server.Statistics.Disclosure;
using Exchange.Server.Storage;

namespace Exchange.Server.Statistics;

/// <summary>
/// Protected tables, computed once per indicator, definition version, year and county and reused
/// until a submission moves that year's revision. Every server computes the same pattern from the
/// same counts, so replicas agree without sharing this cache.
/// </summary>
public sealed class ProtectedTables(IServiceScopeFactory scopes, ILogger<ProtectedTables> logger) : IDisposable
{
    public void Dispose() => builds.Dispose();

    private readonly record struct Key(string Indicator, int Version, int Year, string County);

    private readonly ConcurrentDictionary<Key, (long Revision, int Threshold, Lazy<Task<ProtectedTable>> Table)> tables = new();

    // Keys being recomputed after a submission, and whether another submission came meanwhile.
    private readonly ConcurrentDictionary<Key, bool> warming = new();

    /// <summary>
    /// Recomputes, in the background, the tables a submission touched, so that the next reader finds
    /// them ready. Submissions in quick succession cause one more run, not one each.
    /// </summary>
    public void Refresh(IEnumerable<(string Indicator, int Version, int Year, string County)> touched)
    {
        foreach (var (indicator, version, year, county) in touched.Distinct())
        {
            var key = new Key(indicator, version, year, county);
            if (!warming.TryAdd(key, false))
            {
                warming[key] = true;
                continue;
            }
            _ = Task.Run(async () =>
            {
                try
                {
                    do
                    {
                        warming[key] = false;
                        await using var scope = scopes.CreateAsyncScope();
                        var catalogue = scope.ServiceProvider.GetRequiredService<IndicatorCatalogue>();
                        if (await catalogue.FindAsync(indicator, CancellationToken.None) is { } entity && entity.DefinitionVersion >= version)
                        {
                            await GetAsync(entity, version, year, county, scope.ServiceProvider.GetRequiredService<StatisticsStore>(), CancellationToken.None);
                        }
                    }
                    while (warming.TryGetValue(key, out var again) && again);
                }
                catch (Exception e)
                {
                    StatisticsLog.RefreshFailed(logger, indicator, year, county, e);
                }
                finally
                {
                    warming.TryRemove(key, out _);
                }
            });
        }
    }

    // A pattern holds for one threshold and one publication depth: either changing makes a new one.
    private static int Settings(IndicatorEntity indicator) => indicator.SuppressionThreshold * 100 + indicator.MaxCrossedDimensions;

    public async Task<ProtectedTable> GetAsync(IndicatorEntity indicator, int version, int year, string county, StatisticsStore store, CancellationToken cancellationToken)
    {
        var key = new Key(indicator.Code, version, year, county);
        var revision = await store.RevisionAsync(indicator.Code, year, cancellationToken);
        while (true)
        {
            if (tables.TryGetValue(key, out var cached) && cached.Revision == revision && cached.Threshold == Settings(indicator))
            {
                return await cached.Table.Value.WaitAsync(cancellationToken);
            }
            // Computed in its own scope and not cancelled by the caller who started it: another caller
            // may be waiting for the same table.
            var entry = (revision, Settings(indicator), new Lazy<Task<ProtectedTable>>(() => BuildAsync(indicator, version, year, county)));
            var stored = cached.Table is null ? tables.TryAdd(key, entry) : tables.TryUpdate(key, entry, cached);
            if (stored)
            {
                try
                {
                    return await entry.Item3.Value.WaitAsync(cancellationToken);
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    tables.TryRemove(new KeyValuePair<Key, (long, int, Lazy<Task<ProtectedTable>>)>(key, entry));
                    throw;
                }
            }
        }
    }

    private async Task<ProtectedTable> BuildAsync(IndicatorEntity indicator, int version, int year, string county)
    {
        // Each computation takes a core for seconds: never more at once than there are cores, so that
        // rebuilds a stream of submissions starts cannot crowd out the calls.
        await builds.WaitAsync();
        try
        {
            return await BuildNowAsync(indicator, version, year, county);
        }
        finally
        {
            builds.Release();
        }
    }

    private readonly SemaphoreSlim builds = new(Math.Max(1, Environment.ProcessorCount / 2));

    private async Task<ProtectedTable> BuildNowAsync(IndicatorEntity indicator, int version, int year, string county)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<StatisticsStore>();
        var rows = await store.CountyCellsAsync(indicator.Code, version, year, county, CancellationToken.None);
        var dims = Dimensions(indicator, county, rows.Select(r => r.AreaCode));
        var leaves = new List<(int[] Leaves, long Count)>(rows.Count);
        foreach (var row in rows)
        {
            var nodes = new int[dims.Length];
            nodes[0] = dims[0].Find(Periods.NodeCode(indicator.ReportingPeriod, row.PeriodNumber)) ?? -1;
            nodes[1] = dims[1].Find(row.AreaCode) ?? -1;
            var values = StoredDimensions.Parse(row.Dimensions);
            for (var d = 0; d < indicator.Dimensions.Count && d < values.Count; d++)
            {
                nodes[d + 2] = dims[d + 2].Find(values[d].Value) ?? -1;
            }
            if (nodes.All(n => n >= 0))
            {
                leaves.Add((nodes, row.Count));
            }
        }
        var table = await Task.Run(() => DisclosureControl.Protect(dims, leaves, indicator.SuppressionThreshold, indicator.MaxCrossedDimensions));
        var primary = table.Status.Count(s => s == Disclosure.Disclosure.Primary);
        var secondary = table.Status.Count(s => s == Disclosure.Disclosure.Secondary);
        var elapsed = (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        StatisticsLog.TableProtected(logger, indicator.Code, version, year, county, table.Size, primary, secondary, table.Withheld, elapsed);
        return table;
    }

    /// <summary>The period, the area (the county over the kommuner that reported, or the county alone), then the indicator's dimensions.</summary>
    public static Hierarchy[] Dimensions(IndicatorEntity indicator, string county, IEnumerable<string> reportedAreas) =>
    [
        Hierarchy.Year(indicator.ReportingPeriod),
        indicator.ReportingLevel == AreaLevelKind.Municipality
            ? Hierarchy.County(county, reportedAreas.Where(a => a.Length == 4).Distinct().Order(StringComparer.Ordinal))
            : Hierarchy.County(county, []),
        .. indicator.Dimensions.Select(d => Hierarchy.Flat(d.Code, d.Values)),
    ];
}

internal static partial class StatisticsLog
{
    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Recomputing the protected table {Indicator} {Year} county {County} after a submission failed; the next query computes it")]
    public static partial void RefreshFailed(ILogger logger, string indicator, int year, string county, Exception exception);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information,
        Message = "Protected table {Indicator} v{Version} {Year} county {County}: {Cells} cells, {Primary} A, {Secondary} D, withheld {Withheld}, {ElapsedMs} ms")]
    public static partial void TableProtected(ILogger logger, string indicator, int version, int year, string county, int cells, int primary, int secondary, bool withheld, long elapsedMs);
}
