using System.Runtime.Versioning;
using Exchange.Contracts;
using Exchange.Server.Storage;
using Microsoft.Data.Sqlite;

namespace Exchange.Server.Tests.Storage;

[UnsupportedOSPlatform("windows")]
public sealed class DataDirectoryTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), $"exchange-dd-{Guid.NewGuid():N}");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task A_lock_file_held_by_one_holder_is_taken_by_the_next_only_once_released()
    {
        Directory.CreateDirectory(root);
        var path = Path.Combine(root, "startup.lock");
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var first = await OwnerOnlyFile.LockAsync(path, clock, default);

        var second = OwnerOnlyFile.LockAsync(path, clock, default);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(second.IsCompleted);

        await first.DisposeAsync();
        // The waiter retries on the clock; its next retry may be scheduled only after a first advance.
        for (var i = 0; i < 300 && !second.IsCompleted; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(10);
        }
        await using var taken = await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(OwnerOnlyFile.Mode, File.GetUnixFileMode(path));
    }

    [Fact]
    public void New_directory_is_created_for_the_owner_only_with_nothing_to_report()
    {
        var path = Path.Combine(root, "data");
        Directory.CreateDirectory(root);
        Assert.Empty(DataDirectory.Secure(path));
        Assert.Equal(OwnerOnlyFile.DirectoryMode, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Loose_directories_and_files_are_repaired_and_each_reported()
    {
        var path = Path.Combine(root, "data");
        Directory.CreateDirectory(Path.Combine(path, "dev-credentials"));
        File.WriteAllText(Path.Combine(path, "dev-credentials", "a.json"), "{}");
        File.WriteAllText(Path.Combine(path, "fine.pem"), "x");
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(Path.Combine(path, "dev-credentials"), (UnixFileMode)0b111_111_111);
        File.SetUnixFileMode(Path.Combine(path, "dev-credentials", "a.json"), (UnixFileMode)0b110_100_100);
        File.SetUnixFileMode(Path.Combine(path, "fine.pem"), OwnerOnlyFile.Mode);

        var repairs = DataDirectory.Secure(path);

        Assert.Equal(3, repairs.Count);
        Assert.Contains(repairs, r => r.Contains("a.json", StringComparison.Ordinal) && r.Contains("0644", StringComparison.Ordinal) && r.Contains("0600", StringComparison.Ordinal));
        Assert.Equal(OwnerOnlyFile.DirectoryMode, File.GetUnixFileMode(path));
        Assert.Equal(OwnerOnlyFile.DirectoryMode, File.GetUnixFileMode(Path.Combine(path, "dev-credentials")));
        Assert.Equal(OwnerOnlyFile.Mode, File.GetUnixFileMode(Path.Combine(path, "dev-credentials", "a.json")));
        Assert.Empty(DataDirectory.Secure(path));
    }

    [Fact]
    public void Key_file_readable_by_others_is_refused_not_repaired()
    {
        var path = Path.Combine(root, "data");
        Directory.CreateDirectory(path);
        var key = Path.Combine(path, "token-signing-key.pem");
        File.WriteAllText(key, "x");
        File.SetUnixFileMode(key, (UnixFileMode)0b110_100_100);

        var error = Assert.Throws<InvalidOperationException>(() => DataDirectory.Secure(path));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(key));
    }

    [Fact]
    public void New_sqlite_database_and_its_journal_are_owner_only()
    {
        Directory.CreateDirectory(root);
        var file = Path.Combine(root, "exchange.db");
        DataDirectory.CreateSqliteDatabase(file);
        using (var connection = new SqliteConnection($"Data Source={file}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1); PRAGMA journal_mode;";
            Assert.Equal("wal", command.ExecuteScalar());
            Assert.True(File.Exists(file + "-wal"));
            Assert.Equal(OwnerOnlyFile.Mode, File.GetUnixFileMode(file + "-wal"));
        }
        Assert.Equal(OwnerOnlyFile.Mode, File.GetUnixFileMode(file));
    }
}
