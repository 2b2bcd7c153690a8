using Exchange.Server.Audit;
using Exchange.Server.Storage;
using Exchange.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Statistics;

/// <summary>The indicator catalogue: what may be reported, by which kinds, with which dimensions and suppression.</summary>
public sealed class IndicatorCatalogue(ExchangeDbContext db, AuditLog audit, TimeProvider time)
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
        await db.Indicators.AsNoTracking().ToDictionaryAsync(i => i.Code, StringComparer.Ordinal, cancellationToken);

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
        var query = db.Indicators.AsNoTracking().OrderBy(i => i.Code).AsQueryable();
        if (!includeDisabled)
        {
            query = query.Where(i => i.Enabled);
        }
        if (afterCode is not null)
        {
            query = query.Where(i => i.Code.CompareTo(afterCode) > 0);
        }
        var rows = await query.Take(pageSize + 1).ToListAsync(cancellationToken);
        return rows.Count > pageSize ? (rows[..pageSize], rows[pageSize - 1].Code) : (rows, null);
    }
}
