using Exchange.Server.Identity;
using Exchange.Server.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Exchange.Server.Tests.Identity;

public class ClientAssertionPolicyTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-30T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(60);
    private readonly TestStore store = new();

    public Task InitializeAsync() => store.InitializeAsync();

    public Task DisposeAsync() => store.DisposeAsync();

    private static string? Refusal(string? jti = "j1", int? expSeconds = 120, int? iatSeconds = 0, int? nbfSeconds = 0) =>
        ClientAssertionPolicy.Refusal(new ClientAssertionPolicy.Claims(
            jti,
            expSeconds is null ? null : Now.AddSeconds(expSeconds.Value),
            iatSeconds is null ? null : Now.AddSeconds(iatSeconds.Value),
            nbfSeconds is null ? null : Now.AddSeconds(nbfSeconds.Value)), Now, MaxLifetime, Skew);

    [Fact]
    public void Short_lived_assertion_with_a_jti_is_accepted() => Assert.Null(Refusal());

    [Fact]
    public void Assertion_without_iat_or_nbf_is_accepted_when_its_exp_is_near() => Assert.Null(Refusal(iatSeconds: null, nbfSeconds: null));

    [Theory]
    [InlineData(null, 120, 0, 0, "no jti")]
    [InlineData("", 120, 0, 0, "no jti")]
    [InlineData("j1", null, 0, 0, "no exp")]
    [InlineData("j1", -61, -200, -200, "expired")]
    [InlineData("j1", 3600, 0, 0, "lifetime too long")]
    [InlineData("j1", 300, -3600, -3600, "lifetime too long")]
    [InlineData("j1", 200, 120, 0, "issued in the future")]
    [InlineData("j1", 200, 0, 120, "not yet valid")]
    public void Assertion_that_is_not_single_use_short_lived_and_valid_now_is_refused(string? jti, int? exp, int? iat, int? nbf, string reason) =>
        Assert.Equal(reason, Refusal(jti, exp, iat, nbf));

    [Fact]
    public void Clock_skew_is_tolerated_within_its_bounds()
    {
        Assert.Null(Refusal(expSeconds: 200, iatSeconds: 50, nbfSeconds: 50));
        Assert.Null(Refusal(expSeconds: -30, iatSeconds: -200, nbfSeconds: -200));
    }

    [Fact]
    public void Overlong_jti_is_refused() => Assert.Equal("no jti", Refusal(jti: new string('j', ClientAssertionPolicy.MaxJtiLength + 1)));

    [Fact]
    public async Task An_assertion_is_remembered_once_per_client()
    {
        await using var db = store.Create();
        Assert.True(await ClientAssertionPolicy.TryRememberAsync(db, "sundsvall-kommun", "j1", Now, default));
        Assert.False(await ClientAssertionPolicy.TryRememberAsync(db, "sundsvall-kommun", "j1", Now, default));
        Assert.True(await ClientAssertionPolicy.TryRememberAsync(db, "timra-kommun", "j1", Now, default));
    }

    [Fact]
    public async Task Pruning_removes_only_assertions_that_can_no_longer_be_replayed()
    {
        var time = new FakeTimeProvider(Now);
        await using (var db = store.Create())
        {
            await ClientAssertionPolicy.TryRememberAsync(db, "a", "old", Now.AddMinutes(-5), default);
            await ClientAssertionPolicy.TryRememberAsync(db, "a", "within-skew", Now.AddSeconds(-30), default);
            await ClientAssertionPolicy.TryRememberAsync(db, "a", "valid", Now.AddMinutes(2), default);
        }
        await using var services = new ServiceCollection().AddScoped<ExchangeDbContext>(_ => store.Create()).BuildServiceProvider();
        var pruning = new ClientAssertionPruning(services.GetRequiredService<IServiceScopeFactory>(), time,
            Options.Create(new TokenOptions { ClockSkew = Skew }), NullLogger<ClientAssertionPruning>.Instance);

        Assert.Equal(1, await pruning.PruneAsync(default));

        await using var reader = store.Create();
        Assert.Equal(["valid", "within-skew"], reader.ClientAssertions.Select(a => a.Jti).OrderBy(j => j).ToList());
    }
}
