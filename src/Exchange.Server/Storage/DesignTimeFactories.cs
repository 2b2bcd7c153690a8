using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Exchange.Server.Storage;

// Used only by `dotnet ef migrations add`, which needs no live database.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteExchangeDbContext>
{
    public SqliteExchangeDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteExchangeDbContext>().UseSqlite("Data Source=design.db").UseOpenIddict().Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresExchangeDbContext>
{
    public PostgresExchangeDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresExchangeDbContext>().UseNpgsql("Host=localhost;Database=exchange_design").UseOpenIddict().Options);
}
