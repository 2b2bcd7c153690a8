using Exchange.Server.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Tests;

/// <summary>A migrated SQLite database in a temporary file, for rules that read and write the store.</summary>
public sealed class TestStore : IAsyncLifetime
{
    private readonly string path = Path.Combine(Path.GetTempPath(), $"exchange-test-{Guid.NewGuid():N}.db");

    public SqliteExchangeDbContext Create() =>
        new(new DbContextOptionsBuilder<SqliteExchangeDbContext>().UseSqlite($"Data Source={path}").UseOpenIddict().Options);

    public async Task InitializeAsync()
    {
        await using var db = Create();
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
        return Task.CompletedTask;
    }
}
