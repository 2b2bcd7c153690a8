using Exchange.V1;
using Grpc.Core;

namespace Exchange.Client.Tests;

public class StatisticsClientExtensionsTests
{
    private readonly FakeStatisticsInvoker server = new();
    private readonly RecordingTimeProvider clock = new();

    [Fact]
    public async Task Small_batch_goes_in_one_SubmitStatistics_request_with_a_new_uuid()
    {
        var cells = Cells(3);

        var result = await server.Client.ReportAsync(cells, Options());

        var submit = Assert.Single(server.Submits);
        Assert.Empty(server.Uploads);
        Assert.True(Guid.TryParse(submit.RequestId, out _));
        Assert.Equal(cells, submit.Cells);
        Assert.Equal("submission-1", result.SubmissionId);
        Assert.False(result.Replayed);
    }

    [Fact]
    public async Task Each_call_gets_its_own_request_id_unless_one_is_given()
    {
        await server.Client.ReportAsync(Cells(1), Options());
        await server.Client.ReportAsync(Cells(1), Options());
        await server.Client.ReportAsync(Cells(1), Options(o => o.RequestId = "load-2025-03_sundsvall"));

        Assert.NotEqual(server.Submits[0].RequestId, server.Submits[1].RequestId);
        Assert.Equal("load-2025-03_sundsvall", server.Submits[2].RequestId);
    }

    [Fact]
    public async Task Load_of_25000_cells_goes_in_one_upload_stream_of_5_chunks_with_the_request_id_on_the_first_and_last_on_the_last()
    {
        var cells = Cells(25_000);

        var result = await server.Client.ReportAsync(cells, Options(o => o.RequestId = "upload-1"));

        Assert.Empty(server.Submits);
        var chunks = Assert.Single(server.Uploads);
        Assert.Equal([5_000, 5_000, 5_000, 5_000, 5_000], chunks.Select(c => c.Cells.Count));
        Assert.Equal(["upload-1", "", "", "", ""], chunks.Select(c => c.RequestId));
        Assert.Equal([false, false, false, false, true], chunks.Select(c => c.Last));
        Assert.Equal(cells, chunks.SelectMany(c => c.Cells));
        Assert.Equal(25_000, result.CellCount);
    }

    [Fact]
    public async Task Up_to_10000_cells_are_submitted_and_one_more_is_uploaded_in_chunks_of_the_chosen_size()
    {
        await server.Client.ReportAsync(Cells(10_000), Options());
        await server.Client.ReportAsync(Cells(10_001), Options());
        await server.Client.ReportAsync(Cells(25_000), Options(o => o.ChunkSize = 10_000));

        Assert.Equal(10_000, Assert.Single(server.Submits).Cells.Count);
        Assert.Equal([5_000, 5_000, 1], server.Uploads[0].Select(c => c.Cells.Count));
        Assert.Equal([10_000, 10_000, 5_000], server.Uploads[1].Select(c => c.Cells.Count));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(25_000)]
    public async Task Unavailable_is_retried_with_the_same_request_id_and_the_servers_final_result_returned(int cellCount)
    {
        // The first attempt was stored but its answer lost: the retry must replay it, not store it twice.
        server.Failures.Enqueue(new Failure(Error(StatusCode.Unavailable), Stored: true));

        var result = await server.Client.ReportAsync(Cells(cellCount), Options());

        var requestIds = cellCount <= 10_000 ? server.Submits.Select(s => s.RequestId) : server.Uploads.Select(u => u[0].RequestId);
        Assert.Equal(2, requestIds.Count());
        Assert.Single(requestIds.Distinct());
        Assert.Equal("submission-1", result.SubmissionId);
        Assert.True(result.Replayed);
        Assert.Equal([TimeSpan.FromMilliseconds(200)], clock.Delays);
    }

    public static TheoryData<RpcException> TransientErrors() =>
    [
        Error(StatusCode.Unavailable),
        Error(StatusCode.DeadlineExceeded),
        Error(StatusCode.ResourceExhausted),
        Error(StatusCode.Aborted),
        new RpcException(new Status(StatusCode.Internal, "Error reading next message.", new HttpProtocolException(2, "The HTTP/2 server reset the stream.", null))),
    ];

    [Theory]
    [MemberData(nameof(TransientErrors))]
    public async Task Transient_failures_are_retried(RpcException error)
    {
        server.Failures.Enqueue(new Failure(error));

        var result = await server.Client.ReportAsync(Cells(3), Options());

        Assert.Equal(2, server.Submits.Count);
        Assert.False(result.Replayed);
    }

    public static TheoryData<RpcException> Refusals() =>
    [
        Error(StatusCode.InvalidArgument),
        Error(StatusCode.PermissionDenied),
        Error(StatusCode.AlreadyExists),
        Error(StatusCode.Unauthenticated),
        Error(StatusCode.FailedPrecondition),
        Error(StatusCode.Cancelled),
        // INTERNAL sent by the server is a fault there, which the same cells would meet again.
        Error(StatusCode.Internal),
    ];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Refusals_are_thrown_without_a_retry(RpcException error)
    {
        server.Failures.Enqueue(new Failure(error));

        var thrown = await Assert.ThrowsAsync<RpcException>(() => server.Client.ReportAsync(Cells(3), Options()));

        Assert.Equal(error.StatusCode, thrown.StatusCode);
        Assert.Single(server.Submits);
        Assert.Empty(clock.Delays);
    }

    [Fact]
    public async Task Gives_up_after_MaxAttempts_waiting_twice_as_long_each_time()
    {
        for (var i = 0; i < 4; i++)
        {
            server.Failures.Enqueue(new Failure(Error(StatusCode.Unavailable)));
        }

        var thrown = await Assert.ThrowsAsync<RpcException>(() => server.Client.ReportAsync(Cells(25_000), Options()));

        Assert.Equal(StatusCode.Unavailable, thrown.StatusCode);
        Assert.Equal(4, server.Uploads.Count);
        Assert.Equal([200, 400, 800], clock.Delays.Select(d => d.TotalMilliseconds));
    }

    [Fact]
    public async Task A_refusal_while_chunks_are_still_being_written_is_thrown_as_the_server_said_and_not_retried()
    {
        // The server ends the stream after the second chunk; the third write fails as a broken stream would.
        server.Failures.Enqueue(new Failure(Error(StatusCode.InvalidArgument), AfterChunks: 2));

        var thrown = await Assert.ThrowsAsync<RpcException>(() => server.Client.ReportAsync(Cells(25_000), Options()));

        Assert.Equal(StatusCode.InvalidArgument, thrown.StatusCode);
        Assert.Single(server.Uploads);
    }

    [Fact]
    public async Task More_than_a_million_cells_throw_before_anything_is_sent()
    {
        var cell = Cells(1)[0];
        var read = 0;
        IEnumerable<Cell> Lazy()
        {
            for (var i = 0; i < 2_000_000; i++, read++)
            {
                yield return cell;
            }
        }

        await Assert.ThrowsAsync<ArgumentException>("cells", () => server.Client.ReportAsync(Lazy(), Options()));
        await Assert.ThrowsAsync<ArgumentException>("cells", () => server.Client.ReportAsync(Enumerable.Repeat(cell, 1_000_001), Options()));

        Assert.Equal(0, server.Calls);
        Assert.Equal(1_000_000, read);
    }

    [Fact]
    public async Task No_cells_a_null_cell_or_invalid_options_throw_before_anything_is_sent()
    {
        await Assert.ThrowsAsync<ArgumentException>("cells", () => server.Client.ReportAsync([], Options()));
        await Assert.ThrowsAsync<ArgumentException>("cells", () => server.Client.ReportAsync([Cells(1)[0], null!], Options()));
        await Assert.ThrowsAsync<ArgumentException>(() => server.Client.ReportAsync(Cells(1), Options(o => o.RequestId = "not an id")));
        await Assert.ThrowsAsync<ArgumentException>(() => server.Client.ReportAsync(Cells(1), Options(o => o.ChunkSize = 10_001)));
        await Assert.ThrowsAsync<ArgumentException>(() => server.Client.ReportAsync(Cells(1), Options(o => o.MaxAttempts = 0)));

        Assert.Equal(0, server.Calls);
    }

    [Fact]
    public async Task Progress_is_reported_after_each_chunk_and_ends_at_the_total_with_the_result()
    {
        var progress = new RecordingProgress();

        var result = await server.Client.ReportAsync(Cells(25_000), Options(o => o.Progress = progress));

        Assert.Equal([5_000, 10_000, 15_000, 20_000, 25_000, 25_000], progress.Reports.Select(p => p.CellsSent));
        Assert.All(progress.Reports, p => Assert.Equal(25_000, p.TotalCells));
        Assert.Same(result, progress.Reports[^1].Result);
        Assert.All(progress.Reports[..^1], p => Assert.Null(p.Result));
    }

    [Fact]
    public async Task Progress_of_a_retried_upload_starts_again_with_the_next_attempt()
    {
        var progress = new RecordingProgress();
        server.Failures.Enqueue(new Failure(Error(StatusCode.Unavailable), AfterChunks: 2));

        await server.Client.ReportAsync(Cells(15_000), Options(o => o.Progress = progress));

        Assert.Equal([(5_000, 1), (10_000, 1), (5_000, 2), (10_000, 2), (15_000, 2), (15_000, 2)], progress.Reports.Select(p => (p.CellsSent, p.Attempt)));
    }

    [Fact]
    public async Task Small_batch_reports_progress_once_with_the_result()
    {
        var progress = new RecordingProgress();

        var result = await server.Client.ReportAsync(Cells(3), Options(o => o.Progress = progress));

        Assert.Equal(new ReportProgress(3, 3, 1, result), Assert.Single(progress.Reports));
    }

    [Fact]
    public async Task QueryAllAsync_follows_the_page_tokens_and_yields_every_cell_in_order()
    {
        server.Query = q => q.PageToken switch
        {
            "" => Page("p2", "2281", "2260"),
            "p2" => Page("p3", "2262"),
            "p3" => Page("", "2280", "2283"),
            _ => throw new RpcException(new Status(StatusCode.InvalidArgument, "bad page_token")),
        };
        var request = new QueryStatisticsRequest { IndicatorCode = "reported_assaults", PageSize = 2 };

        var cells = await server.Client.QueryAllAsync(request).ToListAsync();

        Assert.Equal(["2281", "2260", "2262", "2280", "2283"], cells.Select(c => c.AreaCode));
        Assert.Equal(["", "p2", "p3"], server.Queries.Select(q => q.PageToken));
        Assert.All(server.Queries, q => Assert.Equal(("reported_assaults", 2), (q.IndicatorCode, q.PageSize)));
        Assert.Equal("", request.PageToken);
    }

    [Fact]
    public async Task QueryAllAsync_asks_for_a_page_only_when_the_previous_one_is_used_up()
    {
        server.Query = q => q.PageToken == "" ? Page("p2", "2281", "2260") : Page("", "2262");

        await using var cells = server.Client.QueryAllAsync(new QueryStatisticsRequest { IndicatorCode = "reported_assaults" }).GetAsyncEnumerator();
        Assert.Empty(server.Queries);
        Assert.True(await cells.MoveNextAsync());
        Assert.True(await cells.MoveNextAsync());
        Assert.Single(server.Queries);
        Assert.True(await cells.MoveNextAsync());
        Assert.Equal("2262", cells.Current.AreaCode);
        Assert.False(await cells.MoveNextAsync());
        Assert.Equal(2, server.Queries.Count);
    }

    [Fact]
    public async Task QueryPagesAsync_yields_each_page_with_its_threshold_and_copies_the_query_at_once()
    {
        server.Query = q => q.PageToken == "" ? Page("p2", "2281") : Page("", "2262");
        var request = new QueryStatisticsRequest { IndicatorCode = "reported_assaults" };

        var pages = server.Client.QueryPagesAsync(request);
        request.IndicatorCode = "changed_after_the_call";
        var read = await pages.ToListAsync();

        Assert.Equal([("p2", 5), ("", 5)], read.Select(p => (p.NextPageToken, p.SuppressionThreshold)));
        Assert.All(server.Queries, q => Assert.Equal("reported_assaults", q.IndicatorCode));
        Assert.Throws<ArgumentNullException>("request", () => server.Client.QueryPagesAsync(null!));
        Assert.Throws<ArgumentNullException>("request", () => server.Client.QueryAllAsync(null!));
    }

    private ReportOptions Options(Action<ReportOptions>? configure = null)
    {
        var options = new ReportOptions { TimeProvider = clock };
        configure?.Invoke(options);
        return options;
    }

    private static List<Cell> Cells(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new Cell
        {
            IndicatorCode = "reported_assaults",
            Period = new Period { Type = PeriodType.Month, Year = 2025, Number = i % 12 + 1 },
            AreaCode = "2281",
            Dimensions = { new DimensionValue { Dimension = "case", Value = $"c{i}" } },
            Count = i,
        })];

    private static QueryStatisticsResponse Page(string nextPageToken, params string[] areas) => new()
    {
        Cells = { areas.Select(a => new ResultCell { AreaCode = a, Status = CellStatus.Free, Count = 7 }) },
        NextPageToken = nextPageToken,
        SuppressionThreshold = 5,
    };

    private static RpcException Error(StatusCode code) => new(new Status(code, $"{code} from the fake server"));
}
