using System.ComponentModel.DataAnnotations;
using Exchange.Contracts;

namespace Exchange.Server.Storage;

/// <summary>Configuration section <c>Exchange:Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Exchange:Storage";

    /// <summary><c>Sqlite</c> (default) or <c>Postgres</c>.</summary>
    [RegularExpression("(?i)^(sqlite|postgres|postgresql)$", ErrorMessage = "Provider must be Sqlite or Postgres.")]
    public string Provider { get; set; } = "Sqlite";

    /// <summary>
    /// Where the server keeps its files (the SQLite database, generated keys, credential files).
    /// Defaults to the user's local application data folder, so that <c>exchange-admin</c> on the same
    /// machine finds the operator credential without flags.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>ADO.NET connection string; for SQLite it defaults to <c>exchange.db</c> in the data directory.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Whether the store is PostgreSQL (else SQLite).</summary>
    public bool IsPostgres => Provider.StartsWith("postgres", StringComparison.OrdinalIgnoreCase);

    public string ResolveDataDirectory() =>
        string.IsNullOrWhiteSpace(DataDirectory) ? DefaultLocations.DataDirectory() : Path.GetFullPath(DataDirectory);
}
