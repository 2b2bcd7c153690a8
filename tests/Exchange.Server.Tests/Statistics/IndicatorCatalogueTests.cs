using Exchange.Server.Audit;
using Exchange.Server.Statistics;
using Exchange.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Tests.Statistics;

/// <summary>The catalogue is served from memory, and never from a copy the store has moved past.</summary>
public class IndicatorCatalogueTests : IAsyncLifetime
{
    private readonly TestStore store = new();
    // One snapshot for every call of a test, as on a server.
    private readonly CatalogueSnapshot snapshot = new();
    private readonly StoreChanges changes = new();

    public async Task InitializeAsync()
    {
        await store.InitializeAsync();
        await using var db = store.Create();
        foreach (var code in new[] { "b_offences", "a_offences", "a_offences_2", "c_calls" })
        {
            db.Indicators.Add(new IndicatorEntity { Code = code, Name = code, Unit = "count", ReporterKinds = [PartyKind.Municipality] });
        }
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => store.DisposeAsync();

    private async Task<List<string>> ListAsync(bool includeDisabled = false)
    {
        await using var db = store.Create();
        var catalogue = new IndicatorCatalogue(db, new AuditLog(TimeProvider.System), snapshot, changes, TimeProvider.System);
        var codes = new List<string>();
        string? after = null;
        do
        {
            var (page, last) = await catalogue.ListAsync(includeDisabled, after, pageSize: 2, default);
            codes.AddRange(page.Select(i => i.Code));
            after = last;
        }
        while (after is not null);
        return codes;
    }

    [Fact]
    public async Task Pages_follow_the_codes_in_ordinal_order()
    {
        Assert.Equal(["a_offences", "a_offences_2", "b_offences", "c_calls"], await ListAsync());
    }

    [Fact]
    public async Task An_indicator_disabled_by_any_path_leaves_the_list_on_the_next_call()
    {
        Assert.Contains("b_offences", await ListAsync());
        await using (var db = store.Create())
        {
            // Past the change tracker: only the store's triggers see it.
            await db.Indicators.Where(i => i.Code == "b_offences").ExecuteUpdateAsync(s => s.SetProperty(i => i.Enabled, false));
        }

        Assert.DoesNotContain("b_offences", await ListAsync());
        Assert.Contains("b_offences", await ListAsync(includeDisabled: true));
    }

    [Fact]
    public async Task A_new_indicator_is_listed_on_the_next_call()
    {
        Assert.DoesNotContain("d_new", await ListAsync());
        await using (var db = store.Create())
        {
            db.Indicators.Add(new IndicatorEntity { Code = "d_new", Name = "d_new", Unit = "count" });
            await db.SaveChangesAsync();
        }

        Assert.Contains("d_new", await ListAsync());
    }
}
