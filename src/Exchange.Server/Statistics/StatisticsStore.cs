using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Exchange.Server.Audit;
using Exchange.Server.Storage;
using Exchange.Server.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Exchange.Server.Statistics;

/// <summary>The outcome of a stored submission, first time or replayed.</summary>
public sealed record StoredSubmission(string SubmissionId, int CellCount, int ReplacedCount, DateTimeOffset ReceivedAt, bool Replayed);

/// <summary>Which of a reporter's cells to read: a period range of the reporting period, areas (all when empty), dimension values.</summary>
public sealed record CellRange(int FromYear, int FromNumber, int ToYear, int ToNumber, IReadOnlyList<string> Areas, IReadOnlyDictionary<string, HashSet<string>> Filters);

/// <summary>
/// Stores reported cells: a whole submission in one transaction or nothing; once per request_id;
/// a cell reported again replaces the current value and keeps the old one as history. Writes go
/// around EF's change tracker in batched statements, because an upload holds up to a million cells.
/// </summary>
public sealed class StatisticsStore(ExchangeDbContext db, AuditLog audit, TimeProvider time)
{
    private const int RowsPerStatement = 100;

    // Up to this many cells of one year, the cells they may replace are looked up by key; above it,
    // reading the reporter's whole year at once is cheaper than that many lookups.
    private const int CellsLookedUpByKey = 200;

    public async Task<StoredSubmission> StoreAsync(string authorityId, string requestId, IReadOnlyList<ReportedCell> cells, CancellationToken cancellationToken)
    {
        var hash = Fingerprint(cells);
        if (await FindAsync(authorityId, requestId, hash, cancellationToken) is { } earlier)
        {
            return earlier;
        }
        // A concurrent submission of the same new cells can lose on the cells' unique index (on a
        // server with concurrent writers); it then starts again and finds them stored.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StoreOnceAsync(authorityId, requestId, cells, hash, cancellationToken);
            }
            catch (Exception e) when (e is DbUpdateException or DbException && attempt < 3)
            {
                if (await FindAsync(authorityId, requestId, hash, cancellationToken) is { } concurrent)
                {
                    return concurrent;
                }
            }
        }
    }

    /// <summary>
    /// What <see cref="StoreAsync"/> would answer, storing nothing and remembering nothing: the cell
    /// count and how many of them would replace a current value; for a request_id already stored
    /// with the same cells its original result (replayed), and ALREADY_EXISTS with other cells.
    /// The submission id is empty, since no submission exists.
    /// </summary>
    public async Task<StoredSubmission> PreviewAsync(string authorityId, string requestId, IReadOnlyList<ReportedCell> cells, CancellationToken cancellationToken)
    {
        if (await FindAsync(authorityId, requestId, Fingerprint(cells), cancellationToken) is { } earlier)
        {
            return earlier with { SubmissionId = "" };
        }
        var current = await CurrentValuesAsync(authorityId, cells, cancellationToken);
        return new StoredSubmission("", cells.Count, cells.Count(c => current.ContainsKey(c.Key)), time.GetUtcNow(), Replayed: false);
    }

    private sealed record CurrentValue(long Id, long Count, string SubmissionId, DateTimeOffset ReportedAt);

    /// <summary>The caller's current values of the given cells, by key: those a submission of them replaces.</summary>
    private async Task<Dictionary<CellKey, CurrentValue>> CurrentValuesAsync(string authorityId, IReadOnlyList<ReportedCell> cells, CancellationToken cancellationToken)
    {
        var found = new Dictionary<CellKey, CurrentValue>();
        foreach (var group in cells.GroupBy(c => (c.Key.IndicatorCode, c.Key.DefinitionVersion, c.Key.Year)))
        {
            var (indicator, version, year) = group.Key;
            var stored = db.StatisticsCells.AsNoTracking()
                .Where(c => c.ReporterId == authorityId && c.IndicatorCode == indicator && c.DefinitionVersion == version && c.Year == year);
            if (group.Count() <= CellsLookedUpByKey)
            {
                // A small submission reads only the cells it may replace, through the unique index,
                // not all the year's cells: that read grew with what was stored and ran under the
                // audit lock. The filter is a superset of the keys; the dictionary matches them exactly.
                var periods = group.Select(c => c.Key.PeriodNumber).Distinct().ToList();
                var areas = group.Select(c => c.Key.AreaCode).Distinct().ToList();
                stored = stored.Where(c => periods.Contains(c.PeriodNumber) && areas.Contains(c.AreaCode));
            }
            var current = await stored
                .Select(c => new { c.Id, c.PeriodNumber, c.AreaCode, c.Dimensions, c.Count, c.SubmissionId, c.ReportedAt })
                .ToDictionaryAsync(c => (c.PeriodNumber, c.AreaCode, c.Dimensions), cancellationToken);
            foreach (var cell in group)
            {
                if (current.TryGetValue((cell.Key.PeriodNumber, cell.Key.AreaCode, cell.Key.Dimensions), out var old))
                {
                    found[cell.Key] = new CurrentValue(old.Id, old.Count, old.SubmissionId, old.ReportedAt);
                }
            }
        }
        return found;
    }

    /// <summary>The result of an earlier submission of this request_id; ALREADY_EXISTS if it held other cells.</summary>
    private async Task<StoredSubmission?> FindAsync(string authorityId, string requestId, string hash, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var earlier = await db.StatisticsSubmissions.AsNoTracking()
            .FirstOrDefaultAsync(s => s.AuthorityId == authorityId && s.RequestId == requestId, cancellationToken);
        if (earlier is null)
        {
            return null;
        }
        if (earlier.ContentHash != hash)
        {
            throw new DomainException(DomainError.AlreadyExists,
                "This request_id was already used for a submission with other cells. Use a new request_id for a new submission; reuse one only to retry the same cells.");
        }
        return new StoredSubmission(earlier.Id, earlier.CellCount, earlier.ReplacedCount, earlier.ReceivedAt, Replayed: true);
    }

    private async Task<StoredSubmission> StoreOnceAsync(string authorityId, string requestId, IReadOnlyList<ReportedCell> cells, string hash, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sqlite = db.Database.IsSqlite();
        object Time(DateTimeOffset t) => sqlite ? t.UtcTicks : t;
        StoredSubmission? stored = null;
        // In the audit's transaction: the submission and its audit event are stored together or not
        // at all. Appends are serialised, so a large upload holds back other audited changes while it
        // is written (on SQLite writes are serialised anyway).
        await audit.SaveWithAuditAsync(db, async () =>
        {
            var connection = db.Database.GetDbConnection();
            var dbTransaction = db.Database.CurrentTransaction!.GetDbTransaction();

            // Written first: it takes the write lock (SQLite), and a concurrent retry of the same
            // request_id waits for it, then inserts nothing and replays this result. ON CONFLICT keeps
            // that ordinary race out of the error log.
            var submissionId = Guid.NewGuid().ToString();
            await using (var claim = connection.CreateCommand())
            {
                claim.Transaction = dbTransaction;
                claim.CommandText = """
                    INSERT INTO statistics_submissions ("Id", "AuthorityId", "RequestId", "ContentHash", "ReceivedAt", "CellCount", "ReplacedCount")
                    VALUES (@id, @authority, @request, @hash, @at, @cells, 0) ON CONFLICT ("AuthorityId", "RequestId") DO NOTHING
                    """;
                Parameter(claim, "@id").Value = submissionId;
                Parameter(claim, "@authority").Value = authorityId;
                Parameter(claim, "@request").Value = requestId;
                Parameter(claim, "@hash").Value = hash;
                Parameter(claim, "@at").Value = Time(now);
                Parameter(claim, "@cells").Value = cells.Count;
                if (await claim.ExecuteNonQueryAsync(cancellationToken) == 0)
                {
                    // Claimed by a concurrent retry: nothing written here, its result is replayed below.
                    return [];
                }
            }

            var inserts = new List<ReportedCell>();
            var replaced = new List<(long Id, long OldCount, string OldSubmission, DateTimeOffset OldReportedAt, long NewCount)>();
            var current = await CurrentValuesAsync(authorityId, cells, cancellationToken);
            foreach (var cell in cells)
            {
                if (current.TryGetValue(cell.Key, out var old))
                {
                    replaced.Add((old.Id, old.Count, old.SubmissionId, old.ReportedAt, cell.Count));
                }
                else
                {
                    inserts.Add(cell);
                }
            }

            if (connection is NpgsqlConnection npgsql)
            {
                await CopyCellsAsync(npgsql, inserts, authorityId, submissionId, now, cancellationToken);
            }
            else
            {
                await InsertRowsAsync(connection, dbTransaction,
                """INSERT INTO statistics_cells ("IndicatorCode", "DefinitionVersion", "Year", "PeriodNumber", "AreaCode", "Dimensions", "ReporterId", "Count", "SubmissionId", "ReportedAt") VALUES """,
                inserts, c => [c.Key.IndicatorCode, c.Key.DefinitionVersion, c.Key.Year, c.Key.PeriodNumber, c.Key.AreaCode, c.Key.Dimensions, authorityId, c.Count, submissionId, Time(now)],
                cancellationToken);
            }
            await InsertRowsAsync(connection, dbTransaction,
                """INSERT INTO statistics_cell_revisions ("CellId", "Count", "SubmissionId", "ReportedAt", "ReplacedBySubmissionId", "ReplacedAt") VALUES """,
                replaced, r => [r.Id, r.OldCount, r.OldSubmission, Time(r.OldReportedAt), submissionId, Time(now)],
                cancellationToken);
            if (replaced.Count > 0)
            {
                await using var update = connection.CreateCommand();
                update.Transaction = dbTransaction;
                update.CommandText = """UPDATE statistics_cells SET "Count" = @count, "SubmissionId" = @submission, "ReportedAt" = @at WHERE "Id" = @id""";
                var count = Parameter(update, "@count");
                Parameter(update, "@submission").Value = submissionId;
                Parameter(update, "@at").Value = Time(now);
                var id = Parameter(update, "@id");
                foreach (var r in replaced)
                {
                    count.Value = r.NewCount;
                    id.Value = r.Id;
                    await update.ExecuteNonQueryAsync(cancellationToken);
                }
            }

            foreach (var (indicator, year) in cells.Select(c => (c.Key.IndicatorCode, c.Key.Year)).Distinct())
            {
                var revision = await db.StatisticsRevisions.FirstOrDefaultAsync(r => r.IndicatorCode == indicator && r.Year == year, cancellationToken);
                if (revision is null)
                {
                    db.StatisticsRevisions.Add(new StatisticsRevisionEntity { IndicatorCode = indicator, Year = year, Revision = 1 });
                }
                else
                {
                    revision.Revision++;
                }
            }
            if (replaced.Count > 0)
            {
                await using var count = connection.CreateCommand();
                count.Transaction = dbTransaction;
                count.CommandText = """UPDATE statistics_submissions SET "ReplacedCount" = @replaced WHERE "Id" = @id""";
                Parameter(count, "@replaced").Value = replaced.Count;
                Parameter(count, "@id").Value = submissionId;
                await count.ExecuteNonQueryAsync(cancellationToken);
            }
            // An upload whose client went away before this point is not stored: it rolls back here.
            cancellationToken.ThrowIfCancellationRequested();
            stored = new StoredSubmission(submissionId, cells.Count, replaced.Count, now, Replayed: false);
            return [new AuditRecord(authorityId, "statistics.submitted", "submission", submissionId) { SubjectAuthorityId = authorityId }];
        }, cancellationToken);
        db.ChangeTracker.Clear();
        if (stored is not null)
        {
            Telemetry.ExchangeMetrics.CellsIngested.Add(stored.CellCount, new KeyValuePair<string, object?>(Telemetry.CallTelemetryInterceptor.AuthorityTag, authorityId));
        }
        return stored ?? await FindAsync(authorityId, requestId, hash, cancellationToken)
            ?? throw new InvalidOperationException("A submission claimed its request_id but is not stored.");
    }

    /// <summary>
    /// New cells on PostgreSQL, by binary COPY inside the submission's transaction: several times
    /// the rate of multi-row INSERTs for an upload of a million cells.
    /// </summary>
    private static async Task CopyCellsAsync(NpgsqlConnection connection, List<ReportedCell> cells, string authorityId, string submissionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (cells.Count == 0)
        {
            return;
        }
        await using var import = await connection.BeginBinaryImportAsync(
            """COPY statistics_cells ("IndicatorCode", "DefinitionVersion", "Year", "PeriodNumber", "AreaCode", "Dimensions", "ReporterId", "Count", "SubmissionId", "ReportedAt") FROM STDIN (FORMAT BINARY)""",
            cancellationToken);
        foreach (var c in cells)
        {
            await import.StartRowAsync(cancellationToken);
            await import.WriteAsync(c.Key.IndicatorCode, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(c.Key.DefinitionVersion, NpgsqlDbType.Integer, cancellationToken);
            await import.WriteAsync(c.Key.Year, NpgsqlDbType.Integer, cancellationToken);
            await import.WriteAsync(c.Key.PeriodNumber, NpgsqlDbType.Integer, cancellationToken);
            await import.WriteAsync(c.Key.AreaCode, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(c.Key.Dimensions, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(authorityId, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(c.Count, NpgsqlDbType.Bigint, cancellationToken);
            await import.WriteAsync(submissionId, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
        }
        await import.CompleteAsync(cancellationToken);
    }

    private static async Task InsertRowsAsync<T>(DbConnection connection, DbTransaction transaction, string insert, IReadOnlyList<T> rows, Func<T, object[]> values, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }
        var columns = values(rows[0]).Length;
        // SQLite binds each parameter by looking its name up among the statement's parameters, so a
        // statement of many rows costs more per row than one prepared row run many times; it is
        // in-process, so there is no round trip to save.
        var rowsPerStatement = connection is NpgsqlConnection ? RowsPerStatement : 1;
        DbCommand? full = null;
        try
        {
            for (var start = 0; start < rows.Count; start += rowsPerStatement)
            {
                var n = Math.Min(rowsPerStatement, rows.Count - start);
                DbCommand command;
                if (n == rowsPerStatement && full is not null)
                {
                    command = full;
                }
                else
                {
                    command = connection.CreateCommand();
                    command.Transaction = transaction;
                    var text = new StringBuilder(insert);
                    for (var r = 0; r < n; r++)
                    {
                        text.Append(r == 0 ? "(" : ", (");
                        for (var c = 0; c < columns; c++)
                        {
                            text.Append(c == 0 ? "" : ", ").Append("@p").Append(r * columns + c);
                            Parameter(command, $"@p{r * columns + c}");
                        }
                        text.Append(')');
                    }
                    command.CommandText = text.ToString();
                    if (n == rowsPerStatement)
                    {
                        full = command;
                    }
                }
                for (var r = 0; r < n; r++)
                {
                    var row = values(rows[start + r]);
                    for (var c = 0; c < columns; c++)
                    {
                        command.Parameters[r * columns + c].Value = row[c];
                    }
                }
                await command.ExecuteNonQueryAsync(cancellationToken);
                if (command != full)
                {
                    await command.DisposeAsync();
                }
            }
        }
        finally
        {
            if (full is not null)
            {
                await full.DisposeAsync();
            }
        }
    }

    private static DbParameter Parameter(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>The cells in a canonical order, hashed: the same cells in any order are the same submission.</summary>
    internal static string Fingerprint(IReadOnlyList<ReportedCell> cells)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var c in cells.OrderBy(c => c.Key.IndicatorCode, StringComparer.Ordinal).ThenBy(c => c.Key.DefinitionVersion).ThenBy(c => c.Key.Year)
                     .ThenBy(c => c.Key.PeriodNumber).ThenBy(c => c.Key.AreaCode, StringComparer.Ordinal).ThenBy(c => c.Key.Dimensions, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{c.Key.IndicatorCode}|{c.Key.DefinitionVersion}|{c.Key.Year}|{c.Key.PeriodNumber}|{c.Key.AreaCode}|{c.Key.Dimensions}|{c.Count}\n"));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>
    /// A page of the caller's own current cells, in order of period, area and dimension values,
    /// filtered and paged in the database: a reporter may hold a million cells.
    /// </summary>
    public async Task<List<StatisticsCellEntity>> OwnCellsPageAsync(string reporterId, string indicator, int? version, CellRange range, CellKey? after, int take, CancellationToken cancellationToken)
    {
        var query = db.StatisticsCells.AsNoTracking().Where(c => c.ReporterId == reporterId && c.IndicatorCode == indicator);
        if (version is { } v)
        {
            query = query.Where(c => c.DefinitionVersion == v);
        }
        var (fromYear, fromNumber, toYear, toNumber) = (range.FromYear, range.FromNumber, range.ToYear, range.ToNumber);
        query = query.Where(c => (c.Year > fromYear || (c.Year == fromYear && c.PeriodNumber >= fromNumber)) && (c.Year < toYear || (c.Year == toYear && c.PeriodNumber <= toNumber)));
        if (range.Areas.Count > 0)
        {
            var areas = range.Areas;
            query = query.Where(c => areas.Contains(c.AreaCode));
        }
        foreach (var (dimension, values) in range.Filters)
        {
            // A value is matched with its separators, so that one code or value is never taken for part of another.
            var patterns = values.Select(value => StoredDimensions.Pattern(dimension, value)).ToList();
            query = query.Where(c => patterns.Any(p => (";" + c.Dimensions + ";").Contains(p)));
        }
        if (after is { } a)
        {
            query = query.Where(c => c.Year > a.Year || (c.Year == a.Year && (c.PeriodNumber > a.PeriodNumber || (c.PeriodNumber == a.PeriodNumber
                && (c.AreaCode.CompareTo(a.AreaCode) > 0 || (c.AreaCode == a.AreaCode && (c.Dimensions.CompareTo(a.Dimensions) > 0
                    || (c.Dimensions == a.Dimensions && c.DefinitionVersion > a.DefinitionVersion))))))));
        }
        return await query.OrderBy(c => c.Year).ThenBy(c => c.PeriodNumber).ThenBy(c => c.AreaCode).ThenBy(c => c.Dimensions).ThenBy(c => c.DefinitionVersion)
            .Take(take).ToListAsync(cancellationToken);
    }

    /// <summary>Every value the given cells have had before their current one, oldest first.</summary>
    public async Task<ILookup<long, StatisticsCellRevisionEntity>> EarlierValuesAsync(IReadOnlyCollection<long> cellIds, CancellationToken cancellationToken) =>
        (await db.StatisticsCellRevisions.AsNoTracking().Where(r => cellIds.Contains(r.CellId)).OrderBy(r => r.ReportedAt).ThenBy(r => r.Id).ToListAsync(cancellationToken))
        .ToLookup(r => r.CellId);

    /// <summary>The revision of an indicator's year: it moves with every submission touching it.</summary>
    public async Task<long> RevisionAsync(string indicator, int year, CancellationToken cancellationToken) =>
        await db.StatisticsRevisions.AsNoTracking().Where(r => r.IndicatorCode == indicator && r.Year == year).Select(r => r.Revision).FirstOrDefaultAsync(cancellationToken);

    /// <summary>The reported counts of an indicator's version, year and county, summed over reporters.</summary>
    public async Task<List<(int PeriodNumber, string AreaCode, string Dimensions, long Count)>> CountyCellsAsync(string indicator, int version, int year, string countyCode, CancellationToken cancellationToken)
    {
        var rows = await db.StatisticsCells.AsNoTracking()
            .Where(c => c.IndicatorCode == indicator && c.DefinitionVersion == version && c.Year == year && c.AreaCode.StartsWith(countyCode))
            .GroupBy(c => new { c.PeriodNumber, c.AreaCode, c.Dimensions })
            .Select(g => new { g.Key.PeriodNumber, g.Key.AreaCode, g.Key.Dimensions, Count = g.Sum(c => c.Count) })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => (r.PeriodNumber, r.AreaCode, r.Dimensions, r.Count))];
    }

    /// <summary>The counties with cells of an indicator's version and year.</summary>
    public async Task<List<string>> CountiesAsync(string indicator, int version, int year, CancellationToken cancellationToken)
    {
        var areas = await db.StatisticsCells.AsNoTracking()
            .Where(c => c.IndicatorCode == indicator && c.DefinitionVersion == version && c.Year == year)
            .Select(c => c.AreaCode).Distinct().ToListAsync(cancellationToken);
        return [.. areas.Select(a => a[..2]).Distinct().Order(StringComparer.Ordinal)];
    }
}
