using Microsoft.Data.Sqlite;
using Npgsql;

namespace Exchange.Server.Storage;

/// <summary>
/// Recognises a failure to reach the store — the database down, restarting, out of connections,
/// its file locked or unreadable — as opposed to a bug. Callers are then told to retry
/// (<c>UNAVAILABLE</c>, <c>503 temporarily_unavailable</c>) instead of getting <c>UNKNOWN</c> or a
/// refused credential, which no client retries.
/// </summary>
public static class StoreOutage
{
    public const string Message = "The exchange's database cannot be reached at the moment; retry shortly.";

    // Not reachable, not accepting connections now, or gone (a database being restored).
    private static readonly HashSet<string> UnavailableStates = new(StringComparer.Ordinal) { "3D000", "55000", "57P01", "57P02", "57P03" };

    // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_PROTOCOL.
    private static readonly HashSet<int> UnavailableSqliteCodes = [5, 6, 10, 14, 15];

    /// <summary>The store failure behind <paramref name="exception"/>, if it is one: EF Core wraps it.</summary>
    public static Exception? Find(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException p when p.IsTransient || UnavailableStates.Contains(p.SqlState):
                    return p;
                case PostgresException:
                    return null;
                // Not a server's answer: the connection itself failed (refused, reset, timed out, pool exhausted).
                case NpgsqlException n:
                    return n;
                case SqliteException s when UnavailableSqliteCodes.Contains(s.SqliteErrorCode):
                    return s;
            }
        }
        return null;
    }

    /// <summary>What may be logged of it: the kind and code, never a message that could quote data.</summary>
    public static string Describe(Exception storeFailure) => storeFailure switch
    {
        PostgresException p => $"PostgreSQL {p.SqlState}",
        NpgsqlException n => $"PostgreSQL connection ({n.InnerException?.GetType().Name ?? n.GetType().Name})",
        SqliteException s => $"SQLite error {s.SqliteErrorCode}",
        _ => storeFailure.GetType().Name,
    };
}
