using Exchange.Server.Audit;
using Exchange.Server.Authorization;
using Exchange.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Exchange.Server.Tests.Authorization;

public sealed class DeniedCallAuditTests : IAsyncLifetime, IDisposable
{
    private const string Method = "/exchange.v1.AdminService/GetAuthority";
    private readonly TestStore store = new();
    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-11-30T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private ServiceProvider services = null!;
    private DeniedCallAudit denials = null!;

    public async Task InitializeAsync()
    {
        await store.InitializeAsync();
        services = new ServiceCollection().AddScoped<ExchangeDbContext>(_ => store.Create()).BuildServiceProvider();
        denials = new DeniedCallAudit(services.GetRequiredService<IServiceScopeFactory>(), new AuditLog(time), time,
            Options.Create(new DeniedCallAuditOptions { DenialWindow = TimeSpan.FromMinutes(1) }), NullLogger<DeniedCallAudit>.Instance);
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        await store.DisposeAsync();
    }

    public void Dispose() => denials.Dispose();

    [Fact]
    public void First_denial_in_a_window_is_written_at_once_and_the_rest_are_counted()
    {
        Assert.True(denials.OpensWindow("a", Method));
        Assert.False(denials.OpensWindow("a", Method));
        Assert.False(denials.OpensWindow("a", Method));
        // Another authority, or another method, has its own window.
        Assert.True(denials.OpensWindow("b", Method));
        Assert.True(denials.OpensWindow("a", "/exchange.v1.AdminService/ListAuthorities"));
    }

    [Fact]
    public async Task Repeats_are_written_as_one_event_with_their_count_when_the_window_ends()
    {
        denials.OpensWindow("a", Method);
        for (var i = 0; i < 41; i++)
        {
            denials.OpensWindow("a", Method);
        }

        await denials.FlushAsync(all: false, default);
        Assert.Empty(await Events());

        time.Advance(TimeSpan.FromMinutes(1));
        await denials.FlushAsync(all: false, default);

        var written = Assert.Single(await Events());
        Assert.Equal(41, written.Count);
        Assert.Equal(("a", "call.denied", Method, AuditOutcomeKind.Denied), (written.ActorAuthorityId, written.Action, written.TargetId, written.Outcome));
        Assert.True(denials.OpensWindow("a", Method));
    }

    [Fact]
    public async Task A_new_window_keeps_the_count_of_the_one_it_replaces()
    {
        denials.OpensWindow("a", Method);
        denials.OpensWindow("a", Method);
        time.Advance(TimeSpan.FromMinutes(2));

        Assert.True(denials.OpensWindow("a", Method));
        await denials.FlushAsync(all: true, default);

        Assert.Equal(1, Assert.Single(await Events()).Count);
    }

    [Fact]
    public async Task A_window_without_repeats_writes_nothing_more()
    {
        denials.OpensWindow("a", Method);
        await denials.FlushAsync(all: true, default);
        Assert.Empty(await Events());
    }

    private async Task<List<AuditEventEntity>> Events()
    {
        await using var db = store.Create();
        return await db.AuditEvents.AsNoTracking().ToListAsync();
    }
}
