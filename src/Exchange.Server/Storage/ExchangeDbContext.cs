using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Storage;

/// <summary>
/// The exchange's store, shared with OpenIddict's applications and tokens. Each provider has its own
/// subclass only so that each keeps its own migrations.
/// </summary>
public abstract class ExchangeDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<AuthorityEntity> Authorities => Set<AuthorityEntity>();
    public DbSet<CredentialEntity> Credentials => Set<CredentialEntity>();
    public DbSet<GrantEntity> Grants => Set<GrantEntity>();
    public DbSet<IndicatorEntity> Indicators => Set<IndicatorEntity>();
    public DbSet<AuditEventEntity> AuditEvents => Set<AuditEventEntity>();
    public DbSet<ClientAssertionEntity> ClientAssertions => Set<ClientAssertionEntity>();
    public DbSet<CredentialChangeEntity> CredentialChanges => Set<CredentialChangeEntity>();
    public DbSet<StatisticsSubmissionEntity> StatisticsSubmissions => Set<StatisticsSubmissionEntity>();
    public DbSet<StatisticsCellEntity> StatisticsCells => Set<StatisticsCellEntity>();
    public DbSet<StatisticsCellRevisionEntity> StatisticsCellRevisions => Set<StatisticsCellRevisionEntity>();
    public DbSet<StatisticsRevisionEntity> StatisticsRevisions => Set<StatisticsRevisionEntity>();
    public DbSet<ReferralEntity> Referrals => Set<ReferralEntity>();
    public DbSet<ReferralEventEntity> ReferralEvents => Set<ReferralEventEntity>();
    public DbSet<AdmissionStampEntity> AdmissionStamps => Set<AdmissionStampEntity>();
    public DbSet<MemberEntity> Members => Set<MemberEntity>();
    public DbSet<PopulationFigureEntity> PopulationFigures => Set<PopulationFigureEntity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.UseOpenIddict();

        modelBuilder.Entity<AuthorityEntity>(e =>
        {
            e.ToTable("authorities");
            e.HasKey(a => a.Id);
            e.Property(a => a.Id).HasMaxLength(63);
            e.Property(a => a.Name).HasMaxLength(200);
            e.Property(a => a.OrganisationNumber).HasMaxLength(10);
            e.Property(a => a.Kind).HasConversion<string>().HasMaxLength(20);
        });

        modelBuilder.Entity<CredentialEntity>(e =>
        {
            e.ToTable("credentials");
            e.HasKey(c => c.Id);
            e.Property(c => c.Id).HasMaxLength(36);
            e.Property(c => c.AuthorityId).HasMaxLength(63);
            e.Property(c => c.Kind).HasConversion<string>().HasMaxLength(20);
            e.Property(c => c.KeyId).HasMaxLength(200);
            e.Property(c => c.SecretHash).HasMaxLength(64);
            e.Property(c => c.Origin).HasConversion<string>().HasMaxLength(20);
            e.HasIndex(c => c.AuthorityId);
            e.HasOne<AuthorityEntity>().WithMany().HasForeignKey(c => c.AuthorityId);
        });

        modelBuilder.Entity<MemberEntity>(e =>
        {
            e.ToTable("members");
            e.HasKey(m => m.Id);
            e.Property(m => m.Id).HasMaxLength(18);
            e.Property(m => m.AuthorityId).HasMaxLength(63);
            e.Property(m => m.PersonReference).HasMaxLength(20);
            e.Property(m => m.DisplayName).HasMaxLength(200);
            e.Property(m => m.CreatedByAuthorityId).HasMaxLength(63);
            e.Property(m => m.CreatedByMemberId).HasMaxLength(18);
            // One membership per person and authority; the token exchange finds a person's by reference.
            e.HasIndex(m => new { m.AuthorityId, m.PersonReference }).IsUnique();
            e.HasIndex(m => m.PersonReference);
            e.HasOne<AuthorityEntity>().WithMany().HasForeignKey(m => m.AuthorityId);
        });

        modelBuilder.Entity<GrantEntity>(e =>
        {
            e.ToTable("grants");
            e.HasKey(g => g.Id);
            e.Property(g => g.Id).HasMaxLength(36);
            e.Property(g => g.AuthorityId).HasMaxLength(63);
            e.Property(g => g.Scope).HasMaxLength(40);
            e.Property(g => g.Reason).HasMaxLength(500);
            e.Property(g => g.RevokeReason).HasMaxLength(500);
            e.HasIndex(g => new { g.AuthorityId, g.Scope });
            e.HasOne<AuthorityEntity>().WithMany().HasForeignKey(g => g.AuthorityId);
        });

        modelBuilder.Entity<IndicatorEntity>(e =>
        {
            e.ToTable("indicators");
            e.HasKey(i => i.Code);
            e.Property(i => i.Code).HasMaxLength(64);
            e.Property(i => i.Name).HasMaxLength(200);
            e.Property(i => i.Description).HasMaxLength(2000);
            e.Property(i => i.Unit).HasMaxLength(64);
            e.OwnsMany(i => i.Dimensions, d => d.ToJson());
            e.Property(i => i.ReportingLevel).HasConversion<string>().HasMaxLength(20);
            e.Property(i => i.ReportingPeriod).HasConversion<string>().HasMaxLength(20);
        });

        modelBuilder.Entity<StatisticsSubmissionEntity>(e =>
        {
            e.ToTable("statistics_submissions");
            e.HasKey(s => s.Id);
            e.Property(s => s.Id).HasMaxLength(36);
            e.Property(s => s.AuthorityId).HasMaxLength(63);
            e.Property(s => s.RequestId).HasMaxLength(64);
            e.Property(s => s.ContentHash).HasMaxLength(64);
            // The idempotency key: a concurrent retry of the same request_id loses on this index.
            e.HasIndex(s => new { s.AuthorityId, s.RequestId }).IsUnique();
            e.HasOne<AuthorityEntity>().WithMany().HasForeignKey(s => s.AuthorityId);
        });

        modelBuilder.Entity<StatisticsCellEntity>(e =>
        {
            e.ToTable("statistics_cells");
            e.HasKey(c => c.Id);
            e.Property(c => c.IndicatorCode).HasMaxLength(64);
            e.Property(c => c.AreaCode).HasMaxLength(4);
            e.Property(c => c.Dimensions).HasMaxLength(1100);
            e.Property(c => c.ReporterId).HasMaxLength(63);
            e.Property(c => c.SubmissionId).HasMaxLength(36);
            // One current value per reporter and cell; the protected tables read by indicator, version and year.
            e.HasIndex(c => new { c.IndicatorCode, c.DefinitionVersion, c.Year, c.ReporterId, c.PeriodNumber, c.AreaCode, c.Dimensions }).IsUnique();
            e.HasOne<IndicatorEntity>().WithMany().HasForeignKey(c => c.IndicatorCode);
        });

        modelBuilder.Entity<StatisticsCellRevisionEntity>(e =>
        {
            e.ToTable("statistics_cell_revisions");
            e.HasKey(r => r.Id);
            e.Property(r => r.SubmissionId).HasMaxLength(36);
            e.Property(r => r.ReplacedBySubmissionId).HasMaxLength(36);
            e.HasIndex(r => r.CellId);
            e.HasOne<StatisticsCellEntity>().WithMany().HasForeignKey(r => r.CellId);
        });

        modelBuilder.Entity<StatisticsRevisionEntity>(e =>
        {
            e.ToTable("statistics_revisions");
            e.HasKey(r => new { r.IndicatorCode, r.Year });
            e.Property(r => r.IndicatorCode).HasMaxLength(64);
        });

        modelBuilder.Entity<ReferralEntity>(e =>
        {
            e.ToTable("referrals");
            e.HasKey(r => r.Id);
            e.Property(r => r.Id).HasMaxLength(36);
            e.Property(r => r.SenderId).HasMaxLength(63);
            e.Property(r => r.RecipientId).HasMaxLength(63);
            e.Property(r => r.SenderKind).HasConversion<string>().HasMaxLength(20);
            e.Property(r => r.RecipientKind).HasConversion<string>().HasMaxLength(20);
            e.Property(r => r.RequestId).HasMaxLength(64);
            e.Property(r => r.ContentHash).HasMaxLength(64);
            e.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(r => r.ErasureCause).HasConversion<string>().HasMaxLength(20);
            e.Property(r => r.ConsentCategories).HasMaxLength(40);
            // Compared in queries (expiry, retention): stored as numbers, which SQLite compares; every time is UTC.
            e.Property(r => r.ConsentExpiresAt).HasConversion(new Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter());
            e.Property(r => r.ClosedAt).HasConversion(new Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter());
            // The idempotency key: a concurrent retry of the same request_id loses on this index.
            e.HasIndex(r => new { r.SenderId, r.RequestId }).IsUnique();
            e.HasIndex(r => new { r.RecipientId, r.Id });
            e.HasIndex(r => new { r.SenderId, r.Id });
            e.HasOne<AuthorityEntity>().WithMany().HasForeignKey(r => r.SenderId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<AuthorityEntity>().WithMany().HasForeignKey(r => r.RecipientId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<ReferralEventEntity>(e =>
        {
            e.ToTable("referral_events");
            e.HasKey(v => v.Sequence);
            e.Property(v => v.Sequence).ValueGeneratedOnAdd();
            e.Property(v => v.AuthorityId).HasMaxLength(63);
            e.Property(v => v.ReferralId).HasMaxLength(36);
            e.Property(v => v.Status).HasConversion<string>().HasMaxLength(20);
            e.HasIndex(v => new { v.AuthorityId, v.AuthoritySequence }).IsUnique();
            e.HasOne<ReferralEntity>().WithMany().HasForeignKey(v => v.ReferralId);
        });

        modelBuilder.Entity<AuditEventEntity>(e =>
        {
            e.ToTable("audit_events");
            e.HasKey(a => a.Sequence);
            e.Property(a => a.Sequence).ValueGeneratedNever();
            e.Property(a => a.ActorAuthorityId).HasMaxLength(63);
            e.Property(a => a.SubjectAuthorityId).HasMaxLength(63);
            e.Property(a => a.Action).HasMaxLength(64);
            e.Property(a => a.TargetType).HasMaxLength(32);
            e.Property(a => a.TargetId).HasMaxLength(200);
            e.Property(a => a.Outcome).HasConversion<string>().HasMaxLength(20);
            e.Property(a => a.Reason).HasMaxLength(500);
            e.Property(a => a.ActorMemberId).HasMaxLength(18).HasDefaultValue("");
            e.Property(a => a.PreviousHash).HasMaxLength(64);
            e.Property(a => a.Hash).HasMaxLength(64);
            e.HasIndex(a => a.ActorAuthorityId);
            e.HasIndex(a => a.SubjectAuthorityId);
        });

        modelBuilder.Entity<ClientAssertionEntity>(e =>
        {
            e.ToTable("client_assertions");
            e.HasKey(a => new { a.ClientId, a.Jti });
            e.Property(a => a.ClientId).HasMaxLength(100);
            e.Property(a => a.Jti).HasMaxLength(200);
            e.HasIndex(a => a.ExpiresAt);
        });

        modelBuilder.Entity<CredentialChangeEntity>(e =>
        {
            e.ToTable("credential_changes");
            e.HasKey(c => c.Id);
            e.Property(c => c.Id).HasMaxLength(36);
            e.Property(c => c.AuthorityId).HasMaxLength(63);
            e.Property(c => c.KeyId).HasMaxLength(200);
            e.Property(c => c.Reason).HasMaxLength(500);
            e.Property(c => c.RequestedBy).HasMaxLength(63);
            e.Property(c => c.State).HasConversion<string>().HasMaxLength(20);
            e.Property(c => c.DecidedBy).HasMaxLength(63);
            e.Property(c => c.DecisionReason).HasMaxLength(500);
            e.Property(c => c.CredentialId).HasMaxLength(36);
            e.HasIndex(c => new { c.AuthorityId, c.State });
            e.HasOne<AuthorityEntity>().WithMany().HasForeignKey(c => c.AuthorityId);
        });

        modelBuilder.Entity<PopulationFigureEntity>(e =>
        {
            // One figure per area and year: an import replaces it in place.
            e.ToTable("population_figures");
            e.HasKey(p => new { p.AreaCode, p.Year });
            e.Property(p => p.AreaCode).HasMaxLength(4);
            e.Property(p => p.Source).HasMaxLength(200);
        });

        modelBuilder.Entity<AdmissionStampEntity>(e =>
        {
            // Raised by triggers on authorities, grants and indicators (the AdmissionStamp and CatalogueStamp
            // migrations), so that no way of changing them, EF or raw SQL, leaves a server on a stale cache.
            e.ToTable("admission_stamp");
            e.HasKey(a => a.Id);
            e.Property(a => a.Id).ValueGeneratedNever();
            e.HasData(new AdmissionStampEntity { Id = AdmissionStampEntity.SingleId, Version = 0 });
        });
    }

}

/// <summary>The SQLite store (the embedded default).</summary>
public sealed class SqliteExchangeDbContext(DbContextOptions<SqliteExchangeDbContext> options) : ExchangeDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot order or compare DateTimeOffset; UTC ticks keep times comparable in queries
        // (grant validity windows are compared on every call).
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToUtcTicksConverter>();
    }
}

/// <summary>The PostgreSQL store (production).</summary>
public sealed class PostgresExchangeDbContext(DbContextOptions<PostgresExchangeDbContext> options) : ExchangeDbContext(options);

internal sealed class DateTimeOffsetToUtcTicksConverter()
    : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks,
        v => new DateTimeOffset(v, TimeSpan.Zero));
