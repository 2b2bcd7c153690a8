using Exchange.Contracts;
using Microsoft.Data.Sqlite;

namespace Exchange.Server.Storage;

/// <summary>
/// The data directory holds the database, keys and credential files: it and everything in it belong
/// to the server's user alone (directories 0700, files 0600). Checked at every start: looser modes
/// are repaired and reported; what cannot be repaired stops the start.
/// </summary>
public static class DataDirectory
{
    public const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Files that hold a key: one that others could read must be considered leaked, so it is refused, not repaired.</summary>
    public static readonly IReadOnlyList<string> KeyFiles = ["token-signing-key.pem", "token-encryption-key"];

    /// <summary>Creates the directory owner-only if missing and repairs the modes below it; returns what it repaired.</summary>
    public static IReadOnlyList<string> Secure(string path)
    {
        OwnerOnlyFile.CreateDirectory(path);
        if (OperatingSystem.IsWindows())
        {
            return [];
        }
        var repairs = new List<string>();
        Repair(path, OwnerOnlyFile.DirectoryMode, repairs);
        foreach (var entry in new DirectoryInfo(path).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            try
            {
                if (entry.LinkTarget is not null)
                {
                    continue;
                }
                if (entry is FileInfo && KeyFiles.Contains(entry.Name) && (File.GetUnixFileMode(entry.FullName) & GroupOrOther) != 0)
                {
                    throw new InvalidOperationException($"The key file {entry.FullName} can be read by other users, so it must be considered leaked. " +
                        "Delete it (a new key is generated; tokens and client secrets signed or sealed with it end) or, if you know it was never read, chmod 600 it.");
                }
                Repair(entry.FullName, entry is DirectoryInfo ? OwnerOnlyFile.DirectoryMode : OwnerOnlyFile.Mode, repairs);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                // Gone while listed: another server starting on this directory moved its temporary file into place.
            }
        }
        return repairs;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Repair(string path, UnixFileMode wanted, List<string> repairs)
    {
        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOther) == 0)
        {
            return;
        }
        try
        {
            File.SetUnixFileMode(path, (mode & ~GroupOrOther) | (wanted & (UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute)));
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InvalidOperationException($"{path} can be read by other users and the server cannot change that (another user owns it). Make it {Octal(wanted)} and owned by the server's user.", e);
        }
        repairs.Add($"{path} was {Octal(mode)}, readable by other users; now {Octal(wanted)}. Anything it held may have been read.");
    }

    /// <summary>
    /// Creates an empty SQLite database readable by the owner only, in WAL mode, before EF Core opens
    /// it: SQLite gives its journal files the database file's mode, so they stay owner-only too.
    /// </summary>
    public static void CreateSqliteDatabase(string file)
    {
        if (File.Exists(file))
        {
            return;
        }
        try
        {
            OwnerOnlyFile.Write(file, "", replace: false);
        }
        catch (IOException) when (File.Exists(file))
        {
            // Another server on this directory created it first.
            return;
        }
        using var connection = new SqliteConnection($"Data Source={file}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = 'wal';";
        command.ExecuteNonQuery();
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0b111_111_111, 8).PadLeft(4, '0');
}

/// <summary>Logs, once the host runs, what <see cref="DataDirectory.Secure"/> repaired while the server was being built.</summary>
internal sealed partial class DataDirectoryReport(DataDirectoryRepairs repairs, ILogger<DataDirectoryReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var repair in repairs.Items)
        {
            Repaired(logger, repair);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(2, LogLevel.Warning, "Data directory permissions repaired: {Repair}")]
    private static partial void Repaired(ILogger logger, string repair);
}

internal sealed record DataDirectoryRepairs(IReadOnlyList<string> Items);
