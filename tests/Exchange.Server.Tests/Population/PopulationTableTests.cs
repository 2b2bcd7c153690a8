using Exchange.Server.Audit;
using Exchange.Server.Population;
using Exchange.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Tests.Population;

/// <summary>An import replaces the figures it names, in one transaction with its audit event; demo figures never replace an import.</summary>
public class PopulationTableTests : IAsyncLifetime
{
    private readonly TestStore store = new();

    public Task InitializeAsync() => store.InitializeAsync();

    public Task DisposeAsync() => store.DisposeAsync();

    private async Task<T> WithTableAsync<T>(Func<PopulationTable, Task<T>> work)
    {
        await using var db = store.Create();
        return await work(new PopulationTable(db, new AuditLog(TimeProvider.System), TimeProvider.System));
    }

    private async Task<Dictionary<(string, int), PopulationFigureEntity>> StoredAsync()
    {
        await using var db = store.Create();
        return await db.PopulationFigures.AsNoTracking().ToDictionaryAsync(p => (p.AreaCode, p.Year));
    }

    [Fact]
    public async Task An_import_adds_new_figures_and_replaces_stored_ones_counting_them()
    {
        await WithTableAsync(t => t.ImportAsync([new("2281", 2023, 99_000), new("2282", 2023, 17_900)], "first", "exchange-operator", default));

        var second = await WithTableAsync(t => t.ImportAsync([new("2281", 2023, 99_100), new("2281", 2024, 99_300)], "second", "exchange-operator", default));

        Assert.Equal((2, 1), (second.FigureCount, second.ReplacedCount));
        var stored = await StoredAsync();
        Assert.Equal(3, stored.Count);
        Assert.Equal((99_100L, "second"), (stored[("2281", 2023)].Inhabitants, stored[("2281", 2023)].Source));
        Assert.Equal((17_900L, "first"), (stored[("2282", 2023)].Inhabitants, stored[("2282", 2023)].Source));
        Assert.All(stored.Values, p => Assert.False(p.Demo));
    }

    [Fact]
    public async Task Demo_figures_fill_only_gaps_and_an_import_replaces_them()
    {
        await WithTableAsync(t => t.ImportAsync([new("2281", 2023, 99_000)], "SCB", "exchange-operator", default));

        var added = await WithTableAsync(t => t.SeedDemoAsync([new("2281", 2023, 1), new("2281", 2024, 2)], "demo", "system:demo-seed", default));
        Assert.Equal(1, added);
        var stored = await StoredAsync();
        Assert.Equal((99_000L, false), (stored[("2281", 2023)].Inhabitants, stored[("2281", 2023)].Demo));
        Assert.Equal((2L, true), (stored[("2281", 2024)].Inhabitants, stored[("2281", 2024)].Demo));

        Assert.Equal(0, await WithTableAsync(t => t.SeedDemoAsync([new("2281", 2024, 3)], "demo", "system:demo-seed", default)));

        var import = await WithTableAsync(t => t.ImportAsync([new("2281", 2024, 99_200)], "SCB", "exchange-operator", default));
        Assert.Equal(1, import.ReplacedCount);
        Assert.Equal((99_200L, false, "SCB"), ((await StoredAsync())[("2281", 2024)] is var p ? (p.Inhabitants, p.Demo, p.Source) : default));
    }

    [Fact]
    public async Task Each_import_is_audited_with_its_source_and_counts()
    {
        await WithTableAsync(t => t.ImportAsync([new("2281", 2023, 99_000), new("22", 2023, 243_000)], "SCB, Folkmängd 2023", "exchange-operator", default));

        await using var db = store.Create();
        var events = await db.AuditEvents.AsNoTracking().Where(e => e.Action == "population.imported").ToListAsync();
        var audited = Assert.Single(events);
        Assert.Equal(("exchange-operator", "population", "SCB, Folkmängd 2023"), (audited.ActorAuthorityId, audited.TargetType, audited.TargetId));
        Assert.Contains("2 figures", audited.Reason, StringComparison.Ordinal);
        Assert.Contains("0 replaced", audited.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_listing_filters_by_area_and_years_and_orders_by_year_then_area()
    {
        await WithTableAsync(t => t.ImportAsync([new("2282", 2024, 4), new("2281", 2024, 3), new("2281", 2023, 2), new("22", 2022, 1)], "SCB", "exchange-operator", default));

        var all = await WithTableAsync(t => t.ListAsync([], 0, 0, default));
        Assert.Equal([("22", 2022), ("2281", 2023), ("2281", 2024), ("2282", 2024)], all.Select(p => (p.AreaCode, p.Year)));
        var some = await WithTableAsync(t => t.ListAsync(["2281"], 2024, 0, default));
        Assert.Equal([("2281", 2024)], some.Select(p => (p.AreaCode, p.Year)));
        var until = await WithTableAsync(t => t.ListAsync([], 0, 2023, default));
        Assert.Equal([2022, 2023], until.Select(p => p.Year));
    }

    [Fact]
    public void The_demo_county_is_the_sum_of_its_seven_kommuner_each_year()
    {
        var figures = Exchange.Server.Bootstrap.DemoPopulation.Figures(2026);
        foreach (var year in figures.Select(f => f.Year).Distinct())
        {
            var ofYear = figures.Where(f => f.Year == year).ToList();
            Assert.Equal(8, ofYear.Count);
            Assert.Equal(ofYear.Single(f => f.AreaCode == "22").Inhabitants, ofYear.Where(f => f.AreaCode.Length == 4).Sum(f => f.Inhabitants));
            Assert.All(ofYear, f => Assert.True(PopulationRules.IsAreaCode(f.AreaCode)));
        }
        Assert.Equal([2023, 2024, 2025, 2026], figures.Select(f => f.Year).Distinct());
    }
}
