using Exchange.V1;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using static Exchange.EndToEndTests.StatisticsTestData;

namespace Exchange.EndToEndTests;

/// <summary>Reporting and reading statistics through the client, on the real server: every rule and every refusal.</summary>
[Collection(SharedServer.Name)]
public class StatisticsTests(ExchangeServer server)
{
    private static readonly int LastYear = DateTime.UtcNow.Year - 1;

    private static IEnumerable<string> Fields(RpcException e) => e.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field);

    [Fact]
    public async Task A_batch_is_stored_whole_and_its_reporter_reads_its_own_cells_raw()
    {
        var indicator = await server.NewIndicatorAsync(AuthorityKind.Municipality);
        var (sundsvall, _) = await server.NewAuthorityInAsync(AuthorityKind.Municipality, ["2281"], "statistics.report");
        using var _ = sundsvall;

        var result = (await sundsvall.SubmitAsync(
            indicator.Cell(Quarter(LastYear, 1), "2281", 2, "female", "young"),
            indicator.Cell(Quarter(LastYear, 1), "2281", 0, "male", "old"),
            indicator.Cell(Quarter(LastYear, 2), "2281", 17, "female", "middle"))).Result;

        Assert.Equal((3, 0, false), (result.CellCount, result.ReplacedCount, result.Replayed));
        var own = await sundsvall.QueryEveryPageAsync(new QueryStatisticsRequest
        {
            IndicatorCode = indicator.Code, FromPeriod = Quarter(LastYear, 1), ToPeriod = Quarter(LastYear, 4), OwnCellsOnly = true,
        });
        // Raw, small counts included, and marked as the caller's own.
        Assert.Equal([(1, 2L), (1, 0L), (2, 17L)], own.Select(c => (c.Period.Number, c.Count)).OrderBy(c => c.Item1).ThenByDescending(c => c.Item2));
        Assert.All(own, c => Assert.Equal(CellStatus.Own, c.Status));
    }

    [Fact]
    public async Task A_batch_with_bad_cells_stores_nothing_and_names_every_violation()
    {
        var indicator = await server.NewIndicatorAsync(AuthorityKind.Municipality);
        var (sundsvall, _) = await server.NewAuthorityInAsync(AuthorityKind.Municipality, ["2281"], "statistics.report");
        using var _ = sundsvall;
        var good = indicator.Cell(Quarter(LastYear, 1), "2281", 3, "female", "young");
        var missingDimension = indicator.Cell(Quarter(LastYear, 1), "2281", 3, "female", "old");
        missingDimension.Dimensions.RemoveAt(1);

        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, () => sundsvall.SubmitAsync(
            good,
            indicator.Cell(Quarter(LastYear, 1), "2281", 3, "female", "ancient"),
            missingDimension,
            indicator.Cell(Quarter(DateTime.UtcNow.Year + 1, 1), "2281", 3, "male", "young"),
            indicator.Cell(Quarter(LastYear, 5), "2281", 3, "male", "young"),
            indicator.Cell(Quarter(LastYear, 2), "22811", 3, "male", "young"),
            indicator.Cell(Quarter(LastYear, 3), "2281", -1, "male", "young"),
            indicator.Cell(Quarter(LastYear, 3), "2281", 1_000_001, "male", "middle"),
            good.Clone()));

        Assert.Equal(
            ["cells[1].dimensions[1].value", "cells[2].dimensions", "cells[3].period", "cells[4].period", "cells[5].area_code", "cells[6].count", "cells[7].count", "cells[8]"],
            Fields(error));
        Assert.DoesNotContain("ancient", error.Status.Detail, StringComparison.Ordinal);
        var own = await sundsvall.Statistics.QueryStatisticsAsync(new QueryStatisticsRequest
        {
            IndicatorCode = indicator.Code, FromPeriod = Quarter(LastYear, 1), ToPeriod = Quarter(LastYear, 4), OwnCellsOnly = true,
        });
        Assert.Empty(own.Cells);
    }

    [Fact]
    public async Task Reporters_report_only_their_own_areas_and_indicators()
    {
        var byMunicipality = await server.NewIndicatorAsync(AuthorityKind.Police);
        var (police, _) = await server.NewAuthorityInAsync(AuthorityKind.Police, ["22"], "statistics.report");
        var (sundsvall, _) = await server.NewAuthorityInAsync(AuthorityKind.Municipality, ["2281"], "statistics.report");
        var (shelter, _) = await server.NewAuthorityInAsync(AuthorityKind.Shelter, ["2281"], "statistics.report");
        using var _ = police;
        using var __ = sundsvall;
        using var ___ = shelter;
        var municipal = await server.NewIndicatorAsync(AuthorityKind.Municipality);
        var sheltered = await server.NewIndicatorAsync(AuthorityKind.Shelter);

        // The police: any kommun of its county, none of another.
        await police.SubmitAsync(byMunicipality.Cell(Quarter(LastYear, 1), "2260", 4, "female", "young"), byMunicipality.Cell(Quarter(LastYear, 1), "2284", 9, "female", "young"));
        var otherCounty = await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => police.SubmitAsync(byMunicipality.Cell(Quarter(LastYear, 1), "2380", 4, "female", "young")));
        Assert.Equal(["cells[0].area_code"], Fields(otherCounty));
        // Nor a code of its county that names no kommun: it would add a kommun to the county's tables.
        var noKommun = await RpcAssert.FailsWith(StatusCode.InvalidArgument, () => police.SubmitAsync(byMunicipality.Cell(Quarter(LastYear, 1), "2299", 4, "female", "young")));
        Assert.Equal(["cells[0].area_code"], Fields(noKommun));
        // A municipality: its own kommunkod only; a shelter: the areas it serves.
        await sundsvall.SubmitAsync(municipal.Cell(Quarter(LastYear, 1), "2281", 4, "female", "young"));
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => sundsvall.SubmitAsync(municipal.Cell(Quarter(LastYear, 1), "2280", 4, "female", "young")));
        await shelter.SubmitAsync(sheltered.Cell(Quarter(LastYear, 1), "2281", 4, "female", "young"));
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => shelter.SubmitAsync(sheltered.Cell(Quarter(LastYear, 1), "2262", 4, "female", "young")));
        // Nobody reports an indicator its kind does not report.
        var wrongKind = await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => sundsvall.SubmitAsync(byMunicipality.Cell(Quarter(LastYear, 1), "2281", 4, "female", "young")));
        Assert.Equal(["cells[0].indicator_code"], Fields(wrongKind));
        // A county-level indicator takes a county code, not a kommunkod.
        var county = await server.NewIndicatorAsync(AuthorityKind.Police, level: AreaLevel.County);
        var level = await RpcAssert.FailsWith(StatusCode.InvalidArgument, () => police.SubmitAsync(county.Cell(Quarter(LastYear, 1), "2281", 4, "female", "young")));
        Assert.Equal(["cells[0].area_code"], Fields(level));
        await police.SubmitAsync(county.Cell(Quarter(LastYear, 1), "22", 4, "female", "young"));
    }

    [Fact]
    public async Task A_request_id_stores_once_even_under_concurrent_retries_and_refuses_other_content()
    {
        var indicator = await server.NewIndicatorAsync(AuthorityKind.Municipality);
        var (sundsvall, _) = await server.NewAuthorityInAsync(AuthorityKind.Municipality, ["2281"], "statistics.report");
        using var _ = sundsvall;
        var request = new SubmitStatisticsRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Cells = { indicator.Combinations().Select(v => indicator.Cell(Quarter(LastYear, 1), "2281", 7, v)) },
        };

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => sundsvall.Statistics.SubmitStatisticsAsync(request).ResponseAsync));

        Assert.Single(results.Select(r => r.Result.SubmissionId).Distinct());
        Assert.Single(results, r => !r.Result.Replayed);
        var again = await sundsvall.Statistics.SubmitStatisticsAsync(request);
        Assert.True(again.Result.Replayed);
        Assert.Equal(0, again.Result.ReplacedCount);
        var changed = request.Clone();
        changed.Cells[0].Count = 8;
        await RpcAssert.FailsWith(StatusCode.AlreadyExists, () => sundsvall.Statistics.SubmitStatisticsAsync(changed).ResponseAsync);
        var revisions = await sundsvall.Statistics.ListCellRevisionsAsync(new ListCellRevisionsRequest { IndicatorCode = indicator.Code, FromPeriod = Quarter(LastYear, 1) });
        Assert.Equal(6, revisions.Revisions.Count);
        Assert.All(revisions.Revisions, r => Assert.Equal(7, r.Cell.Count));
    }

    [Fact]
    public async Task A_validate_only_check_answers_as_a_submission_would_and_stores_nothing()
    {
        var indicator = await server.NewIndicatorAsync(AuthorityKind.Municipality);
        var (sundsvall, id) = await server.NewAuthorityInAsync(AuthorityKind.Municipality, ["2281"], "statistics.report");
        using var _ = sundsvall;
        await sundsvall.SubmitAsync(indicator.Cell(Quarter(LastYear, 1), "2281", 5, "female", "young"));
        async Task<(List<(int, long)> Own, List<string> History)> StoredAsync()
        {
            var own = await sundsvall.QueryEveryPageAsync(new QueryStatisticsRequest { IndicatorCode = indicator.Code, FromPeriod = Quarter(LastYear, 1), ToPeriod = Quarter(LastYear, 4), OwnCellsOnly = true });
            var revisions = await sundsvall.Statistics.ListCellRevisionsAsync(new ListCellRevisionsRequest { IndicatorCode = indicator.Code, FromPeriod = Quarter(LastYear, 1), ToPeriod = Quarter(LastYear, 4) });
            return ([.. own.Select(c => (c.Period.Number, c.HasCount ? c.Count : -1))], [.. revisions.Revisions.Select(r => $"{r.Cell.Period.Number}:{r.Cell.Count}:{r.SubmissionId}")]);
        }
        var before = await StoredAsync();
        var request = new SubmitStatisticsRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            ValidateOnly = true,
            Cells =
            {
                indicator.Cell(Quarter(LastYear, 1), "2281", 6, "female", "young"),
                indicator.Cell(Quarter(LastYear, 2), "2281", 7, "male", "old"),
            },
        };

        var check = (await sundsvall.Statistics.SubmitStatisticsAsync(request)).Result;

        Assert.Equal(("", 2, 1, false), (check.SubmissionId, check.CellCount, check.ReplacedCount, check.Replayed));
        var after = await StoredAsync();
        Assert.Equal(before.Own, after.Own);
        Assert.Equal(before.History, after.History);
        using var admin = server.Operator();
        var events = await admin.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { ActorAuthorityId = id, Action = "statistics.submitted", PageSize = 100 });
        Assert.Single(events.Events);

        // The same errors as a submission, and nothing stored either.
        var bad = request.Clone();
        bad.Cells.Add(indicator.Cell(Quarter(LastYear, 3), "2281", -1, "male", "ancient"));
        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, () => sundsvall.Statistics.SubmitStatisticsAsync(bad).ResponseAsync);
        Assert.Equal(["cells[2].dimensions[1].value", "cells[2].count"], Fields(error));
        var notHers = request.Clone();
        notHers.Cells[1].AreaCode = "2282";
        var denied = await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => sundsvall.Statistics.SubmitStatisticsAsync(notHers).ResponseAsync);
        Assert.Equal(["cells[1].area_code"], Fields(denied));
        Assert.Equal(before.Own, (await StoredAsync()).Own);

        // The request_id was not remembered: the same one submits, and then a check of it is its replay.
        request.ValidateOnly = false;
        var submitted = (await sundsvall.Statistics.SubmitStatisticsAsync(request)).Result;
        Assert.Equal((2, 1, false), (submitted.CellCount, submitted.ReplacedCount, submitted.Replayed));
        Assert.NotEqual("", submitted.SubmissionId);
        Assert.Equal([(1, 6L), (2, 7L)], (await StoredAsync()).Own.Order());
        request.ValidateOnly = true;
        var replay = (await sundsvall.Statistics.SubmitStatisticsAsync(request)).Result;
        Assert.Equal(("", 2, 1, true), (replay.SubmissionId, replay.CellCount, replay.ReplacedCount, replay.Replayed));
        var reused = request.Clone();
        reused.Cells[0].Count = 60;
        await RpcAssert.FailsWith(StatusCode.AlreadyExists, () => sundsvall.Statistics.SubmitStatisticsAsync(reused).ResponseAsync);
    }

    [Fact]
    public async Task Reporting_a_cell_again_corrects_it_and_keeps_the_history_for_its_reporter()
    {
        var indicator = await server.NewIndicatorAsync(AuthorityKind.Municipality);
        var (sundsvall, _) = await server.NewAuthorityInAsync(AuthorityKind.Municipality, ["2281"], "statistics.report");
        using var _ = sundsvall;
        var first = (await sundsvall.SubmitAsync(indicator.Cell(Quarter(LastYear, 2), "2281", 3, "male", "old"))).Result;
        var second = (await sundsvall.SubmitAsync(indicator.Cell(Quarter(LastYear, 2), "2281", 11, "male", "old"))).Result;

        Assert.Equal(1, second.ReplacedCount);
        var own = await sundsvall.Statistics.QueryStatisticsAsync(new QueryStatisticsRequest { IndicatorCode = indicator.Code, FromPeriod = Quarter(LastYear, 2), OwnCellsOnly = true });
        Assert.Equal(11, own.Cells.Single().Count);
        var history = (await sundsvall.Statistics.ListCellRevisionsAsync(new ListCellRevisionsRequest { IndicatorCode = indicator.Code, FromPeriod = Quarter(LastYear, 2) })).Revisions;
        Assert.Equal([(3L, first.SubmissionId, second.SubmissionId), (11L, second.SubmissionId, "")],
            history.Select(r => (r.Cell.Count, r.SubmissionId, r.ReplacedBySubmissionId)));
        Assert.NotNull(history[0].ReplacedAt);
        Assert.Null(history[1].ReplacedAt);

        // Another reporter's history is not readable: the list is of the caller's own cells.
        var (other, _) = await server.NewAuthorityInAsync(AuthorityKind.Municipality, ["2281"], "statistics.report");
        using var ____ = other;
        Assert.Empty((await other.Statistics.ListCellRevisionsAsync(new ListCellRevisionsRequest { IndicatorCode = indicator.Code, FromPeriod = Quarter(LastYear, 2) })).Revisions);
        Assert.Empty((await other.Statistics.QueryStatisticsAsync(new QueryStatisticsRequest { IndicatorCode = indicator.Code, FromPeriod = Quarter(LastYear, 2), OwnCellsOnly = true })).Cells);
    }

    [Fact]
    public async Task An_upload_is_stored_at_its_end_or_not_at_all()
    {
        var indicator = await server.NewIndicatorAsync(AuthorityKind.Police, PeriodType.Month,
            dimensions: new Dimension { Code = "n", Name = "N", Values = { Enumerable.Range(0, 100).Select(i => $"v{i}") } });
        var (police, _) = await server.NewAuthorityInAsync(AuthorityKind.Police, ["22"], "statistics.report");
        using var _ = police;
        var areas = new[] { "2260", "2262", "2280", "2281", "2282", "2283", "2284" };
        var cells = (from month in Enumerable.Range(1, 12)
                     from area in areas
                     from value in Enumerable.Range(0, 30)
                     select indicator.Cell(new Period { Type = PeriodType.Month, Year = LastYear, Number = month }, area, value % 9, $"v{value}")).ToList();

        // A bad cell in the last chunk: nothing of the earlier chunks is stored.
        var bad = cells.Select(c => c.Clone()).ToList();
        bad[^1].AreaCode = "0000";
        using (var call = police.Statistics.UploadStatistics())
        {
            var chunks = bad.Chunk(1000).ToList();
            foreach (var (chunk, i) in chunks.Select((c, i) => (c, i)))
            {
                await call.RequestStream.WriteAsync(new UploadStatisticsRequest { RequestId = i == 0 ? "upload-bad" : "", Cells = { chunk }, Last = i == chunks.Count - 1 });
            }
            await call.RequestStream.CompleteAsync();
            var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, () => call.ResponseAsync);
            Assert.Equal([$"cells[{bad.Count - 1}].area_code"], Fields(error));
        }
        // A stream that breaks (the client resets it, at once or after the server has read what was
        // sent): nothing is stored either, and a retry of the whole upload is stored whole.
        foreach (var wait in new[] { 0, 200, 200, 400, 400 })
        {
            using var cancel = new CancellationTokenSource();
            using var call = police.Statistics.UploadStatistics(cancellationToken: cancel.Token);
            await call.RequestStream.WriteAsync(new UploadStatisticsRequest { RequestId = "upload-broken", Cells = { cells.Take(1000) } });
            await call.RequestStream.WriteAsync(new UploadStatisticsRequest { Cells = { cells.Skip(1000).Take(1000) } });
            await Task.Delay(wait);
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => call.ResponseAsync);
        }
        var ownRequest = new QueryStatisticsRequest
        {
            IndicatorCode = indicator.Code, OwnCellsOnly = true, PageSize = 5000,
            FromPeriod = new Period { Type = PeriodType.Month, Year = LastYear, Number = 1 }, ToPeriod = new Period { Type = PeriodType.Month, Year = LastYear, Number = 12 },
        };
        Assert.Empty(await police.QueryEveryPageAsync(ownRequest));

        using (var call = police.Statistics.UploadStatistics())
        {
            var chunks = cells.Chunk(1000).ToList();
            foreach (var (chunk, i) in chunks.Select((c, i) => (c, i)))
            {
                await call.RequestStream.WriteAsync(new UploadStatisticsRequest { RequestId = i == 0 ? "upload-good" : "upload-good", Cells = { chunk }, Last = i == chunks.Count - 1 });
            }
            await call.RequestStream.CompleteAsync();
            var result = (await call.ResponseAsync).Result;
            Assert.Equal(cells.Count, result.CellCount);
        }
        var stored = await police.QueryEveryPageAsync(ownRequest);
        Assert.Equal(cells.Count, stored.Count);
        Assert.Equal(cells.Sum(c => c.Count), stored.Sum(c => c.Count));
    }

    [Fact]
    public async Task Readers_get_disclosure_controlled_aggregates_that_add_up_and_hide_small_counts()
    {
        var indicator = await server.NewIndicatorAsync(AuthorityKind.Police);
        var (police, _) = await server.NewAuthorityInAsync(AuthorityKind.Police, ["22"], "statistics.report");
        var (county, _) = await server.NewAuthorityInAsync(AuthorityKind.County, ["22"], "statistics.read");
        using var _ = police;
        using var __ = county;
        var random = new Random(7);
        var cells = (from q in Enumerable.Range(1, 4)
                     from area in new[] { "2262", "2281", "2284" }
                     from v in indicator.Combinations()
                     select indicator.Cell(Quarter(LastYear, q), area, random.Next(4) == 0 ? random.Next(1, 5) : random.Next(0, 2) * random.Next(5, 40), v)).ToArray();
        await police.Statistics.SubmitStatisticsAsync(new SubmitStatisticsRequest { RequestId = Guid.NewGuid().ToString(), Cells = { cells } });

        var byYear = await county.QueryEveryPageAsync(new QueryStatisticsRequest { IndicatorCode = indicator.Code, FromPeriod = Year(LastYear), AreaLevel = AreaLevel.County, GroupBy = { "sex" }, IncludeTotals = true });
        Assert.Equal(3, byYear.Count);
        var total = byYear.Single(c => c.Dimensions.Single().Value == "");
        Assert.Equal(CellStatus.Free, total.Status);
        Assert.Equal(cells.Sum(c => c.Count), total.Count);
        Assert.Equal("22", total.AreaCode);

        var fine = await county.QueryEveryPageAsync(new QueryStatisticsRequest
        {
            IndicatorCode = indicator.Code, FromPeriod = Quarter(LastYear, 1), ToPeriod = Quarter(LastYear, 4), GroupBy = { "age", "sex" }, IncludeTotals = true, PageSize = 7,
        });
        Assert.Equal(4 * 4 * 4 * 3, fine.Count);
        Assert.Contains(fine, c => c.Status == CellStatus.PrimarySuppressed);
        Assert.All(fine.Where(c => c.Status != CellStatus.Free), c => Assert.False(c.HasCount));
        // Free cells are true sums of what was reported, whatever the level.
        foreach (var cell in fine.Where(c => c.Status == CellStatus.Free))
        {
            var age = cell.Dimensions[0].Value;
            var sex = cell.Dimensions[1].Value;
            var expected = cells.Where(c => c.Period.Number == cell.Period.Number && (cell.AreaCode == "22" || c.AreaCode == cell.AreaCode)
                && (age == "" || c.Dimensions[1].Value == age) && (sex == "" || c.Dimensions[0].Value == sex)).Sum(c => c.Count);
            Assert.Equal(expected, cell.Count);
        }
        // A count of 1 to 4 is never published.
        Assert.DoesNotContain(fine, c => c.Status == CellStatus.Free && c.Count is >= 1 and <= 4);
    }

    [Fact]
    public async Task Query_shapes_that_cannot_be_protected_and_reads_without_the_right_are_refused()
    {
        var indicator = await server.NewIndicatorAsync(AuthorityKind.Police);
        var (police, _) = await server.NewAuthorityInAsync(AuthorityKind.Police, ["22"], "statistics.report");
        var (county, _) = await server.NewAuthorityInAsync(AuthorityKind.County, ["22"], "statistics.read");
        using var _ = police;
        using var __ = county;
        await police.SubmitAsync(indicator.Cell(Quarter(LastYear, 1), "2281", 3, "female", "young"));

        var summed = await RpcAssert.FailsWith(StatusCode.InvalidArgument, () => county.Statistics.QueryStatisticsAsync(new QueryStatisticsRequest
        {
            IndicatorCode = indicator.Code, FromPeriod = Quarter(LastYear, 1), Filters = { new DimensionFilter { Dimension = "age", Values = { "young", "middle" } } },
        }).ResponseAsync);
        Assert.Equal(["filters[0].values"], Fields(summed));
        Assert.Contains("disclosure control cannot protect", summed.Status.Detail, StringComparison.Ordinal);
        // Grouped by that dimension, the same filter only selects cells of the protected table.
        await county.Statistics.QueryStatisticsAsync(new QueryStatisticsRequest
        {
            IndicatorCode = indicator.Code, FromPeriod = Quarter(LastYear, 1), GroupBy = { "age" }, Filters = { new DimensionFilter { Dimension = "age", Values = { "young", "middle" } } },
        });
        var finer = await RpcAssert.FailsWith(StatusCode.InvalidArgument, () => county.Statistics.QueryStatisticsAsync(new QueryStatisticsRequest
        {
            IndicatorCode = indicator.Code, FromPeriod = new Period { Type = PeriodType.Month, Year = LastYear, Number = 1 },
        }).ResponseAsync);
        Assert.Equal(["from_period.type"], Fields(finer));
        var threeWays = await server.NewIndicatorAsync(AuthorityKind.Police, dimensions:
        [
            new Dimension { Code = "sex", Name = "Sex", Values = { "female", "male" } },
            new Dimension { Code = "age", Name = "Age", Values = { "young", "old" } },
            new Dimension { Code = "relation", Name = "Relation", Values = { "partner", "other" } },
        ]);
        var tooFine = await RpcAssert.FailsWith(StatusCode.InvalidArgument, () => county.Statistics.QueryStatisticsAsync(new QueryStatisticsRequest
        {
            IndicatorCode = threeWays.Code, FromPeriod = Quarter(LastYear, 1), GroupBy = { "sex", "age" }, Filters = { new DimensionFilter { Dimension = "relation", Values = { "partner" } } },
        }).ResponseAsync);
        Assert.Equal(["group_by"], Fields(tooFine));
        var unknown = await RpcAssert.FailsWith(StatusCode.InvalidArgument, () => county.Statistics.QueryStatisticsAsync(new QueryStatisticsRequest
        {
            IndicatorCode = indicator.Code, FromPeriod = Quarter(LastYear, 1), GroupBy = { "colour" },
        }).ResponseAsync);
        Assert.Equal(["group_by[0]"], Fields(unknown));

        // A reporter without statistics.read reads its own cells, never aggregates; the county reads no raw cells.
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => police.Statistics.QueryStatisticsAsync(new QueryStatisticsRequest { IndicatorCode = indicator.Code, FromPeriod = Quarter(LastYear, 1) }).ResponseAsync);
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => county.Statistics.QueryStatisticsAsync(new QueryStatisticsRequest { IndicatorCode = indicator.Code, FromPeriod = Quarter(LastYear, 1), OwnCellsOnly = true }).ResponseAsync);
        var own = await police.Statistics.QueryStatisticsAsync(new QueryStatisticsRequest { IndicatorCode = indicator.Code, FromPeriod = Quarter(LastYear, 1), OwnCellsOnly = true });
        Assert.Equal(3, own.Cells.Single().Count);
    }

    [Fact]
    public async Task Own_cells_and_their_history_page_through_filters_in_order()
    {
        var indicator = await server.NewIndicatorAsync(AuthorityKind.Police);
        var (police, _) = await server.NewAuthorityInAsync(AuthorityKind.Police, ["22"], "statistics.report");
        using var _ = police;
        string[] areas = ["2260", "2262", "2280", "2281", "2282", "2283", "2284"];
        var cells = (from q in Enumerable.Range(1, 3) from a in areas from v in indicator.Combinations() select indicator.Cell(Quarter(LastYear, q), a, q * 10 + Array.IndexOf(areas, a), v)).ToArray();
        await police.SubmitAsync(cells);
        // A correction of every Sundsvall cell of the first quarter: each then has two values.
        await police.SubmitAsync([.. cells.Where(c => c.Period.Number == 1 && c.AreaCode == "2281").Select(c => { var d = c.Clone(); d.Count += 100; return d; })]);

        var request = new QueryStatisticsRequest
        {
            IndicatorCode = indicator.Code, FromPeriod = Quarter(LastYear, 1), ToPeriod = Quarter(LastYear, 3), OwnCellsOnly = true, PageSize = 4,
            AreaCodes = { "2284", "2281" }, Filters = { new DimensionFilter { Dimension = "sex", Values = { "female" } } },
        };
        var own = await police.QueryEveryPageAsync(request);

        var expected = cells.Where(c => c.AreaCode is "2281" or "2284" && c.Dimensions[0].Value == "female")
            .Select(c => (c.Period.Number, c.AreaCode, Age: c.Dimensions[1].Value, Count: c.Count + (c.Period.Number == 1 && c.AreaCode == "2281" ? 100 : 0)))
            .OrderBy(c => c.Number).ThenBy(c => c.AreaCode, StringComparer.Ordinal).ThenBy(c => c.Age, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, own.Select(c => (c.Period.Number, c.AreaCode, c.Dimensions.Single(d => d.Dimension == "age").Value, c.Count)).ToList());
        // A token of one request does not page another.
        var first = await police.Statistics.QueryStatisticsAsync(request);
        var other = request.Clone();
        other.AreaCodes.Clear();
        other.PageToken = first.NextPageToken;
        Assert.Equal(["page_token"], Fields(await RpcAssert.FailsWith(StatusCode.InvalidArgument, () => police.Statistics.QueryStatisticsAsync(other).ResponseAsync)));

        var history = new List<CellRevision>();
        var revisions = new ListCellRevisionsRequest { IndicatorCode = indicator.Code, FromPeriod = Quarter(LastYear, 1), ToPeriod = Quarter(LastYear, 1), PageSize = 5 };
        do
        {
            var page = await police.Statistics.ListCellRevisionsAsync(revisions);
            history.AddRange(page.Revisions);
            revisions.PageToken = page.NextPageToken;
        }
        while (revisions.PageToken.Length > 0);
        Assert.Equal(7 * 6 + 6, history.Count);
        Assert.Equal(6, history.Count(r => r.ReplacedAt is not null));
        Assert.All(history.Where(r => r.ReplacedAt is not null), r => Assert.Equal("2281", r.Cell.AreaCode));
    }

    [Fact]
    public async Task An_upload_stream_the_client_resets_stores_nothing()
    {
        var indicator = await server.NewIndicatorAsync(AuthorityKind.Police);
        var (police, _) = await server.NewAuthorityInAsync(AuthorityKind.Police, ["22"], "statistics.report");
        using var _ = police;
        var token = (await police.Tokens.GetTokenAsync()).Value;
        using var raw = new RawHttp2(server.Address);
        var chunk = new UploadStatisticsRequest { RequestId = "reset-upload", Cells = { indicator.Combinations().Select(v => indicator.Cell(Quarter(LastYear, 1), "2281", 3, v)) } };

        // One chunk, no end of stream, then RST_STREAM: as a client that crashes or loses its process.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => raw.GrpcAsync("/exchange.v1.StatisticsService/UploadStatistics", new ResetAfterFirstChunk(RawHttp2.Frame(chunk.ToByteArray())), token));
        }

        var own = await police.Statistics.QueryStatisticsAsync(new QueryStatisticsRequest { IndicatorCode = indicator.Code, FromPeriod = Quarter(LastYear, 1), OwnCellsOnly = true });
        Assert.Empty(own.Cells);
        // A stream that ends without its last chunk is refused and stores nothing: whatever the
        // transport made of a reset, the server knows the upload is incomplete.
        using (var cut = police.Statistics.UploadStatistics())
        {
            await cut.RequestStream.WriteAsync(chunk);
            await cut.RequestStream.CompleteAsync();
            Assert.Equal(["last"], Fields(await RpcAssert.FailsWith(StatusCode.InvalidArgument, () => cut.ResponseAsync)));
        }
        Assert.Empty((await police.Statistics.QueryStatisticsAsync(new QueryStatisticsRequest { IndicatorCode = indicator.Code, FromPeriod = Quarter(LastYear, 1), OwnCellsOnly = true })).Cells);

        // And the whole upload, retried with the same request_id, is then stored, not refused.
        using var call = police.Statistics.UploadStatistics();
        chunk.Last = true;
        await call.RequestStream.WriteAsync(chunk);
        await call.RequestStream.CompleteAsync();
        Assert.Equal(6, (await call.ResponseAsync).Result.CellCount);
    }

    /// <summary>Sends one gRPC frame, lets the server read it, then fails: HttpClient resets the stream.</summary>
    private sealed class ResetAfterFirstChunk(byte[] frame) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(frame);
            await stream.FlushAsync();
            await Task.Delay(200);
            throw new IOException("The client went away.");
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
