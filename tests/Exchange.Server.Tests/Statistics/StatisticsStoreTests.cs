using Exchange.Server.Audit;
using Exchange.Server.Statistics;
using Exchange.Server.Storage;
using Exchange.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Tests.Statistics;

/// <summary>
/// A cell reported again replaces the stored one and keeps the old value as history, whether the
/// submission is small (its cells looked up by key) or large (the reporter's whole year read).
/// </summary>
public class StatisticsStoreTests : IAsyncLifetime
{
    private const string Reporter = "sundsvalls-kommun";
    private const string Indicator = "calls";
    private readonly TestStore store = new();

    public async Task InitializeAsync()
    {
        await store.InitializeAsync();
        await using var db = store.Create();
        db.Authorities.Add(new AuthorityEntity { Id = Reporter, Name = "Sundsvalls kommun", Kind = PartyKind.Municipality, OrganisationNumber = "212000-2411", AreaCodes = ["2281"] });
        db.Indicators.Add(new IndicatorEntity { Code = Indicator, Name = Indicator, Unit = "count", ReporterKinds = [PartyKind.Municipality] });
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => store.DisposeAsync();

    private static ReportedCell Cell(int month, string area, long count, int year = 2024) =>
        new(new CellKey(Indicator, 1, year, month, area, ""), count);

    private async Task<StoredSubmission> SubmitAsync(IReadOnlyList<ReportedCell> cells, string? requestId = null)
    {
        await using var db = store.Create();
        return await new StatisticsStore(db, new AuditLog(TimeProvider.System), TimeProvider.System).StoreAsync(Reporter, requestId ?? Guid.NewGuid().ToString(), cells, default);
    }

    private async Task<StoredSubmission> PreviewAsync(IReadOnlyList<ReportedCell> cells, string requestId)
    {
        await using var db = store.Create();
        return await new StatisticsStore(db, new AuditLog(TimeProvider.System), TimeProvider.System).PreviewAsync(Reporter, requestId, cells, default);
    }

    private async Task<Dictionary<(int Month, string Area), long>> StoredAsync()
    {
        await using var db = store.Create();
        return await db.StatisticsCells.ToDictionaryAsync(c => (c.PeriodNumber, c.AreaCode), c => c.Count);
    }

    [Fact]
    public async Task A_small_submission_replaces_only_the_cells_it_names()
    {
        await SubmitAsync([Cell(1, "2281", 10), Cell(2, "2282", 20)]);

        // Months 1–2 and areas 2281–2282 cover all four combinations; only two of them are stored.
        var second = await SubmitAsync([Cell(1, "2282", 30), Cell(2, "2281", 40), Cell(2, "2282", 50)]);

        Assert.Equal(1, second.ReplacedCount);
        Assert.Equal(new Dictionary<(int, string), long> { [(1, "2281")] = 10, [(2, "2282")] = 50, [(1, "2282")] = 30, [(2, "2281")] = 40 }, await StoredAsync());
        await using var db = store.Create();
        Assert.Equal([20L], await db.StatisticsCellRevisions.Select(r => r.Count).ToListAsync());
    }

    [Fact]
    public async Task A_large_submission_replaces_the_cells_it_names_and_adds_the_rest()
    {
        var areas = Enumerable.Range(0, 30).Select(i => $"{2200 + i}").ToList();
        var first = (from month in Enumerable.Range(1, 6) from area in areas select Cell(month, area, month)).ToList();
        await SubmitAsync(first);

        // 360 cells in one year: more than are looked up by key. Months 4–9: 4–6 replace, 7–9 are new.
        var second = (from month in Enumerable.Range(4, 6) from area in areas select Cell(month, area, 100 + month)).ToList();
        var stored = await SubmitAsync(second);

        Assert.Equal(90, stored.ReplacedCount);
        var cells = await StoredAsync();
        Assert.Equal(270, cells.Count);
        Assert.Equal(3, cells[(3, "2205")]);
        Assert.Equal(104, cells[(4, "2205")]);
        Assert.Equal(109, cells[(9, "2229")]);
        await using var db = store.Create();
        Assert.Equal(90, await db.StatisticsCellRevisions.CountAsync());
    }

    [Fact]
    public async Task Cells_of_another_year_are_never_replaced()
    {
        await SubmitAsync([Cell(1, "2281", 10, year: 2023)]);

        var second = await SubmitAsync([Cell(1, "2281", 20, year: 2024)]);

        Assert.Equal(0, second.ReplacedCount);
        await using var db = store.Create();
        Assert.Equal(2, await db.StatisticsCells.CountAsync());
    }

    [Fact]
    public async Task A_preview_counts_what_a_submission_would_replace_and_stores_nothing()
    {
        await SubmitAsync([Cell(1, "2281", 10), Cell(2, "2281", 20)]);
        await using (var before = store.Create())
        {
            Assert.Equal(1, await before.StatisticsSubmissions.CountAsync());
        }

        var preview = await PreviewAsync([Cell(1, "2281", 11), Cell(3, "2281", 30), Cell(1, "2282", 5)], "check-1");

        Assert.Equal(("", 3, 1, false), (preview.SubmissionId, preview.CellCount, preview.ReplacedCount, preview.Replayed));
        Assert.Equal(new Dictionary<(int, string), long> { [(1, "2281")] = 10, [(2, "2281")] = 20 }, await StoredAsync());
        await using var db = store.Create();
        Assert.Equal(1, await db.StatisticsSubmissions.CountAsync());
        Assert.Equal(0, await db.StatisticsCellRevisions.CountAsync());
        Assert.Equal(1, await db.AuditEvents.CountAsync());
    }

    [Fact]
    public async Task A_previewed_request_id_is_not_remembered_and_then_submits()
    {
        await SubmitAsync([Cell(1, "2281", 10)]);
        IReadOnlyList<ReportedCell> cells = [Cell(1, "2281", 11), Cell(2, "2281", 20)];

        var preview = await PreviewAsync(cells, "same-id");
        var submitted = await SubmitAsync(cells, "same-id");

        Assert.False(submitted.Replayed);
        Assert.NotEqual("", submitted.SubmissionId);
        Assert.Equal((preview.CellCount, preview.ReplacedCount), (submitted.CellCount, submitted.ReplacedCount));
        Assert.Equal(new Dictionary<(int, string), long> { [(1, "2281")] = 11, [(2, "2281")] = 20 }, await StoredAsync());
    }

    [Fact]
    public async Task A_preview_of_a_stored_request_id_answers_as_its_replay_would()
    {
        var first = await SubmitAsync([Cell(1, "2281", 10), Cell(2, "2281", 20)], "stored-id");

        var again = await PreviewAsync([Cell(2, "2281", 20), Cell(1, "2281", 10)], "stored-id");

        Assert.True(again.Replayed);
        Assert.Equal("", again.SubmissionId);
        Assert.Equal((first.CellCount, first.ReplacedCount, first.ReceivedAt), (again.CellCount, again.ReplacedCount, again.ReceivedAt));
        var other = await Assert.ThrowsAsync<DomainException>(() => PreviewAsync([Cell(1, "2281", 99)], "stored-id"));
        Assert.Equal(DomainError.AlreadyExists, other.Error);
    }
}
