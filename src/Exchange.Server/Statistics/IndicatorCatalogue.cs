using Exchange.Server.Audit;
using Exchange.Server.Storage;
using Exchange.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Statistics;

/// <summary>The indicator catalogue: what may be reported, by which kinds, with which dimensions and suppression.</summary>
public sealed class IndicatorCatalogue(ExchangeDbContext db, AuditLog audit, CatalogueSnapshot snapshot, StoreChanges changes, TimeProvider time)
{
    public const int DefaultSuppressionThreshold = 5;
    public const int DefaultMaxCrossedDimensions = 2;

    public async Task<IndicatorEntity> CreateAsync(IndicatorEntity indicator, string actor, CancellationToken cancellationToken)
    {
        if (await db.Indicators.AnyAsync(i => i.Code == indicator.Code, cancellationToken))
        {
            throw new DomainException(DomainError.AlreadyExists, "An indicator with this code already exists.");
        }
        indicator.Enabled = true;
        indicator.CreatedAt = indicator.UpdatedAt = time.GetUtcNow();
        if (indicator.SuppressionThreshold == 0)
        {
            indicator.SuppressionThreshold = DefaultSuppressionThreshold;
        }
        if (indicator.DefinitionVersion == 0)
        {
            indicator.DefinitionVersion = 1;
        }
        if (indicator.MaxCrossedDimensions == 0)
        {
            indicator.MaxCrossedDimensions = DefaultMaxCrossedDimensions;
        }
        db.Indicators.Add(indicator);
        await audit.SaveWithAuditAsync(db, new AuditRecord(actor, "indicator.created", "indicator", indicator.Code), cancellationToken);
        return indicator;
    }

    public async Task<IndicatorEntity?> FindAsync(string code, CancellationToken cancellationToken) =>
        await db.Indicators.AsNoTracking().FirstOrDefaultAsync(i => i.Code == code, cancellationToken);

    /// <summary>The whole catalogue by code: it is small, and a submission checks cells of many indicators.</summary>
    public async Task<Dictionary<string, IndicatorEntity>> AllAsync(CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken)).ToDictionary(i => i.Code, StringComparer.Ordinal);

    /// <summary>
    /// The catalogue as stored now, ordered by code: from memory while the store's stamp is the one it
    /// was read at (triggers raise it with every change to indicators), else read again.
    /// </summary>
    private async Task<IReadOnlyList<IndicatorEntity>> CurrentAsync(CancellationToken cancellationToken)
    {
        // Taken before reading, so that a change committed while reading makes the next call read again.
        var stamp = await changes.AdmissionStampAsync(db, cancellationToken);
        if (snapshot.TryGet(stamp) is { } current)
        {
            return current;
        }
        // Ordered here, by ordinal, as pages are cut: the database's collation may order otherwise.
        var all = (await db.Indicators.AsNoTracking().ToListAsync(cancellationToken)).OrderBy(i => i.Code, StringComparer.Ordinal).ToList();
        snapshot.Set(stamp, all);
        return all;
    }

    public async Task<IndicatorEntity> GetAsync(string code, CancellationToken cancellationToken) =>
        await db.Indicators.FirstOrDefaultAsync(i => i.Code == code, cancellationToken)
        ?? throw new DomainException(DomainError.NotFound, "No such indicator.");

    public async Task<IndicatorEntity> UpdateAsync(IndicatorEntity changes, string reason, string actor, CancellationToken cancellationToken)
    {
        var indicator = await GetAsync(changes.Code, cancellationToken);
        indicator.Name = changes.Name;
        indicator.Description = changes.Description;
        indicator.Unit = changes.Unit;
        indicator.ReporterKinds = changes.ReporterKinds;
        indicator.SuppressionThreshold = changes.SuppressionThreshold == 0 ? DefaultSuppressionThreshold : changes.SuppressionThreshold;
        if (changes.MaxCrossedDimensions != 0)
        {
            indicator.MaxCrossedDimensions = changes.MaxCrossedDimensions;
        }
        if (changes.DefinitionVersion != 0)
        {
            if (changes.DefinitionVersion < indicator.DefinitionVersion)
            {
                throw DomainException.FailedPrecondition("DEFINITION_VERSION", indicator.Code,
                    $"The definition version only goes up: it is {indicator.DefinitionVersion}. Raise it when what is counted changes; cells keep the version they were reported under.");
            }
            indicator.DefinitionVersion = changes.DefinitionVersion;
        }
        indicator.UpdatedAt = time.GetUtcNow();
        await audit.SaveWithAuditAsync(db, new AuditRecord(actor, "indicator.updated", "indicator", indicator.Code) { Reason = reason }, cancellationToken);
        return indicator;
    }

    public async Task<IndicatorEntity> DisableAsync(string code, string reason, string actor, CancellationToken cancellationToken)
    {
        var indicator = await GetAsync(code, cancellationToken);
        indicator.Enabled = false;
        indicator.UpdatedAt = time.GetUtcNow();
        await audit.SaveWithAuditAsync(db, new AuditRecord(actor, "indicator.disabled", "indicator", indicator.Code) { Reason = reason }, cancellationToken);
        return indicator;
    }

    public async Task<(IReadOnlyList<IndicatorEntity> Page, string? LastKey)> ListAsync(bool includeDisabled, string? afterCode, int pageSize, CancellationToken cancellationToken)
    {
        var rows = (await CurrentAsync(cancellationToken))
            .Where(i => (includeDisabled || i.Enabled) && (afterCode is null || string.CompareOrdinal(i.Code, afterCode) > 0))
            .Take(pageSize + 1)
            .ToList();
        return rows.Count > pageSize ? (rows[..pageSize], rows[pageSize - 1].Code) : (rows, null);
    }
}

/// <summary>
/// The catalogue as last read, with the admission stamp it was read at (see <see cref="StoreChanges"/>).
/// Its entities are shared between calls and never changed: a change goes through a tracked entity of its own.
/// </summary>
public sealed class CatalogueSnapshot
{
    private Held? current;

    public IReadOnlyList<IndicatorEntity>? TryGet(long stamp) =>
        Volatile.Read(ref current) is { } held && held.Stamp == stamp ? held.Indicators : null;

    public void Set(long stamp, IReadOnlyList<IndicatorEntity> indicators) => Volatile.Write(ref current, new Held(stamp, indicators));

    private sealed record Held(long Stamp, IReadOnlyList<IndicatorEntity> Indicators);
}
