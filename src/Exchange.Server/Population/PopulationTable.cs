using Exchange.Server.Audit;
using Exchange.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Population;

/// <summary>The stored population table: imports replace figures atomically and are audited; listing is public data.</summary>
public sealed class PopulationTable(ExchangeDbContext db, AuditLog audit, TimeProvider time)
{
    /// <summary>What an import stored: every figure, and how many of them replaced a stored one.</summary>
    public sealed record ImportResult(int FigureCount, int ReplacedCount);

    /// <summary>
    /// Stores every figure with <paramref name="source"/>, replacing the stored figure of the same area
    /// and year (an earlier import or a demo figure), all in one transaction with its audit event.
    /// </summary>
    public async Task<ImportResult> ImportAsync(IReadOnlyList<PopulationFigureInput> figures, string source, string actor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var replaced = 0;
        await audit.SaveWithAuditAsync(db, async () =>
        {
            // Read inside the transaction: a concurrent import of the same figures is serialised by the audit lock.
            var areas = figures.Select(f => f.AreaCode).Distinct().ToList();
            var years = figures.Select(f => f.Year).Distinct().ToList();
            var stored = (await db.PopulationFigures
                    .Where(p => areas.Contains(p.AreaCode) && years.Contains(p.Year))
                    .ToListAsync(cancellationToken))
                .ToDictionary(p => (p.AreaCode, p.Year));
            foreach (var figure in figures)
            {
                if (stored.TryGetValue((figure.AreaCode, figure.Year), out var existing))
                {
                    replaced++;
                    existing.Inhabitants = figure.Inhabitants;
                    existing.Source = source;
                    existing.Demo = false;
                    existing.ImportedAt = now;
                }
                else
                {
                    db.PopulationFigures.Add(new PopulationFigureEntity
                    {
                        AreaCode = figure.AreaCode,
                        Year = figure.Year,
                        Inhabitants = figure.Inhabitants,
                        Source = source,
                        Demo = false,
                        ImportedAt = now,
                    });
                }
            }
            var summary = $"{figures.Count} figures for {areas.Count} areas, years {years.Min()}–{years.Max()}; {replaced} replaced a stored figure.";
            return [new AuditRecord(actor, "population.imported", "population", source) { Reason = summary }];
        }, cancellationToken);
        return new ImportResult(figures.Count, replaced);
    }

    /// <summary>Figures of the given areas (all when empty) within the years (0: unbounded), by year and area code.</summary>
    public async Task<IReadOnlyList<PopulationFigureEntity>> ListAsync(IReadOnlyCollection<string> areaCodes, int fromYear, int toYear, CancellationToken cancellationToken)
    {
        var query = db.PopulationFigures.AsNoTracking();
        if (areaCodes.Count > 0)
        {
            query = query.Where(p => areaCodes.Contains(p.AreaCode));
        }
        if (fromYear > 0)
        {
            query = query.Where(p => p.Year >= fromYear);
        }
        if (toYear > 0)
        {
            query = query.Where(p => p.Year <= toYear);
        }
        return await query.OrderBy(p => p.Year).ThenBy(p => p.AreaCode).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Development's demo figures: stored only where no figure of the area and year exists, so that an
    /// import is never overwritten; returns how many were added.
    /// </summary>
    public async Task<int> SeedDemoAsync(IReadOnlyList<PopulationFigureInput> figures, string source, string actor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var added = 0;
        await audit.SaveWithAuditAsync(db, async () =>
        {
            var areas = figures.Select(f => f.AreaCode).Distinct().ToList();
            var existing = (await db.PopulationFigures.AsNoTracking().Where(p => areas.Contains(p.AreaCode))
                .Select(p => new { p.AreaCode, p.Year }).ToListAsync(cancellationToken))
                .Select(p => (p.AreaCode, p.Year)).ToHashSet();
            foreach (var figure in figures.Where(f => !existing.Contains((f.AreaCode, f.Year))))
            {
                added++;
                db.PopulationFigures.Add(new PopulationFigureEntity
                {
                    AreaCode = figure.AreaCode,
                    Year = figure.Year,
                    Inhabitants = figure.Inhabitants,
                    Source = source,
                    Demo = true,
                    ImportedAt = now,
                });
            }
            return added == 0 ? [] : [new AuditRecord(actor, "population.imported", "population", source) { Reason = $"{added} demo figures added where none was stored." }];
        }, cancellationToken);
        return added;
    }
}
