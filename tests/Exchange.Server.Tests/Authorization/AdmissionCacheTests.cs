using Exchange.Server.Authorization;

namespace Exchange.Server.Tests.Authorization;

public class AdmissionCacheTests
{
    private static readonly AdmissionCache.State Nobody = new(null, []);

    [Fact]
    public void An_entry_serves_only_its_own_stamp()
    {
        var cache = new AdmissionCache();
        cache.Set("kramfors-kommun", stamp: 7, Nobody);

        Assert.Same(Nobody, cache.TryGet("kramfors-kommun", 7));
        Assert.Null(cache.TryGet("kramfors-kommun", 8));
        Assert.Null(cache.TryGet("ange-kommun", 7));
    }

    [Fact]
    public void When_full_the_cache_starts_over_rather_than_grow_without_bound()
    {
        var cache = new AdmissionCache();
        for (var i = 0; i < AdmissionCache.MaxEntries; i++)
        {
            cache.Set($"unknown-{i}", stamp: 1, Nobody);
        }
        Assert.NotNull(cache.TryGet("unknown-0", 1));

        cache.Set("kramfors-kommun", stamp: 1, Nobody);

        // Forgotten, so read from the store again on its next call.
        Assert.Null(cache.TryGet("unknown-0", 1));
        Assert.NotNull(cache.TryGet("kramfors-kommun", 1));
    }
}
