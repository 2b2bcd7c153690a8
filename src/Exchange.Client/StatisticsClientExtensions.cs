using System.Runtime.CompilerServices;
using Exchange.Client.Internal;
using Exchange.V1;
using Grpc.Core;

namespace Exchange.Client;

/// <summary>
/// Reporting and querying statistics without writing the chunking, retries or paging by hand.
/// </summary>
/// <example>
/// <code>
/// var result = await exchange.Statistics.ReportAsync(cells, new ReportOptions
/// {
///     Progress = new Progress&lt;ReportProgress&gt;(p => Console.WriteLine($"{p.CellsSent}/{p.TotalCells}")),
/// });
///
/// await foreach (var cell in exchange.Statistics.QueryAllAsync(new QueryStatisticsRequest
/// {
///     IndicatorCode = "reported_assaults",
///     FromPeriod = new Period { Type = PeriodType.Year, Year = 2025 },
/// }))
/// {
///     Console.WriteLine($"{cell.AreaCode} {cell.Status} {cell.Count}");
/// }
/// </code>
/// </example>
public static class StatisticsClientExtensions
{
    /// <summary>
    /// Reports cells as one atomic submission: up to <see cref="ReportOptions.MaxChunkSize"/> cells in
    /// one SubmitStatistics request, more in one UploadStatistics stream of
    /// <see cref="ReportOptions.ChunkSize"/> cells per message. When an attempt fails for a reason that
    /// may pass (the server unavailable, overloaded or too slow, the stream broken), the whole
    /// submission is sent again with the same <c>request_id</c>, after 200 ms, 400 ms, 800 ms …, up to
    /// <see cref="ReportOptions.MaxAttempts"/> attempts in all: the server stores a request_id once and
    /// answers a repeat with the first result (<see cref="SubmissionResult.Replayed"/>). A refusal
    /// (INVALID_ARGUMENT, PERMISSION_DENIED, ALREADY_EXISTS, UNAUTHENTICATED, FAILED_PRECONDITION, …)
    /// is thrown at once.
    /// </summary>
    /// <remarks>
    /// <paramref name="cells"/> is read once, before anything is sent, into a list that is kept until
    /// the call returns, because a retry must send exactly the same cells: a lazily produced load is
    /// held in memory whole (a million cells of a few dimensions take a few hundred megabytes). The
    /// cells themselves are not copied; do not change them while the call runs.
    /// Through an <see cref="ExchangeClient"/>, the channel itself also retries a SubmitStatistics
    /// request on UNAVAILABLE (<see cref="ExchangeClientOptions.MaxAttempts"/>) before it counts here as
    /// one failed attempt; an upload stream is retried only here.
    /// </remarks>
    /// <param name="client">The statistics client, e.g. <see cref="ExchangeClient.Statistics"/>.</param>
    /// <param name="cells">The cells, 1 to <see cref="ReportOptions.MaxCells"/>, each at most once.</param>
    /// <param name="options">Request id, chunk size, attempts and progress; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the call, including a wait before a retry.</param>
    /// <returns>The stored submission's result.</returns>
    /// <exception cref="ArgumentException">No cells, a null cell, more than <see cref="ReportOptions.MaxCells"/> cells, or invalid options; nothing was sent.</exception>
    /// <exception cref="RpcException">The server refused the submission, or the last attempt failed.</exception>
    public static async Task<SubmissionResult> ReportAsync(this StatisticsService.StatisticsServiceClient client, IEnumerable<Cell> cells,
        ReportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(cells);
        options ??= new ReportOptions();
        options.Validate();
        var load = Materialise(cells);
        var requestId = options.RequestId ?? Guid.NewGuid().ToString();

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = load.Count <= ReportOptions.MaxChunkSize
                    ? await SubmitAsync(client, requestId, load, cancellationToken).ConfigureAwait(false)
                    : await UploadAsync(client, requestId, load, options.ChunkSize, attempt, options.Progress, cancellationToken).ConfigureAwait(false);
                options.Progress?.Report(new ReportProgress(load.Count, load.Count, attempt, result));
                return result;
            }
            catch (RpcException e) when (attempt < options.MaxAttempts && TransientFailures.IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TransientFailures.Backoff(attempt), options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Queries statistics and yields every cell of every page, in the server's order, asking for the
    /// next page only when the previous one has been consumed. Each page is one QueryStatistics call;
    /// a failed page throws <see cref="RpcException"/> from the enumeration. To read what a page says
    /// of its cells (the suppression threshold an "A" stands for, the definition version), use
    /// <see cref="QueryPagesAsync"/>.
    /// </summary>
    /// <param name="client">The statistics client, e.g. <see cref="ExchangeClient.Statistics"/>.</param>
    /// <param name="request">
    /// The query. It is copied when this method is called, so changing or reusing it afterwards does
    /// not affect the enumeration; a <see cref="QueryStatisticsRequest.PageToken"/> in it resumes from that page.
    /// </param>
    /// <param name="cancellationToken">Cancels the enumeration; so does a token given to <c>WithCancellation</c>.</param>
    /// <returns>The result cells of all pages.</returns>
    public static IAsyncEnumerable<ResultCell> QueryAllAsync(this StatisticsService.StatisticsServiceClient client, QueryStatisticsRequest request,
        CancellationToken cancellationToken = default) =>
        CellsOf(client.QueryPagesAsync(request, cancellationToken), cancellationToken);

    private static async IAsyncEnumerable<ResultCell> CellsOf(IAsyncEnumerable<QueryStatisticsResponse> pages, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var page in pages.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            foreach (var cell in page.Cells)
            {
                yield return cell;
            }
        }
    }

    /// <summary>
    /// Queries statistics and yields every page whole, each with its cells and what the server says
    /// of them: <see cref="QueryStatisticsResponse.SuppressionThreshold"/> (an "A" cell holds 1 …
    /// threshold − 1) and <see cref="QueryStatisticsResponse.DefinitionVersion"/>. The next page is
    /// asked for only when the enumeration moves past the previous one; a failed page throws
    /// <see cref="RpcException"/> from the enumeration.
    /// </summary>
    /// <param name="client">The statistics client, e.g. <see cref="ExchangeClient.Statistics"/>.</param>
    /// <param name="request">
    /// The query. It is copied when this method is called, so changing or reusing it afterwards does
    /// not affect the enumeration; a <see cref="QueryStatisticsRequest.PageToken"/> in it resumes from that page.
    /// </param>
    /// <param name="cancellationToken">Cancels the enumeration; so does a token given to <c>WithCancellation</c>.</param>
    /// <returns>Every page of the answer, the last one with an empty <see cref="QueryStatisticsResponse.NextPageToken"/>.</returns>
    public static IAsyncEnumerable<QueryStatisticsResponse> QueryPagesAsync(this StatisticsService.StatisticsServiceClient client, QueryStatisticsRequest request,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        // Validated and copied now rather than at the first MoveNextAsync, so a bad argument fails
        // where it was passed and the query is the one the caller had in hand.
        return FollowPagesAsync(client, request.Clone(), cancellationToken);
    }

    private static async IAsyncEnumerable<QueryStatisticsResponse> FollowPagesAsync(StatisticsService.StatisticsServiceClient client, QueryStatisticsRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = await client.QueryStatisticsAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
            yield return page;
            if (page.NextPageToken.Length == 0)
            {
                yield break;
            }
            request.PageToken = page.NextPageToken;
        }
    }

    private static List<Cell> Materialise(IEnumerable<Cell> cells)
    {
        if (cells.TryGetNonEnumeratedCount(out var known) && known > ReportOptions.MaxCells)
        {
            throw TooMany();
        }
        var load = new List<Cell>(known);
        foreach (var cell in cells)
        {
            if (load.Count == ReportOptions.MaxCells)
            {
                throw TooMany();
            }
            load.Add(cell ?? throw new ArgumentException($"Cell {load.Count} is null.", nameof(cells)));
        }
        return load.Count > 0 ? load : throw new ArgumentException("There are no cells to report.", nameof(cells));

        static ArgumentException TooMany() =>
            new($"At most {ReportOptions.MaxCells:N0} cells can be reported at once; split the load into several reports, each with its own request id.", nameof(cells));
    }

    private static async Task<SubmissionResult> SubmitAsync(StatisticsService.StatisticsServiceClient client, string requestId, List<Cell> cells, CancellationToken cancellationToken)
    {
        var response = await client.SubmitStatisticsAsync(new SubmitStatisticsRequest { RequestId = requestId, Cells = { cells } }, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return response.Result;
    }

    private static async Task<SubmissionResult> UploadAsync(StatisticsService.StatisticsServiceClient client, string requestId, List<Cell> cells, int chunkSize,
        int attempt, IProgress<ReportProgress>? progress, CancellationToken cancellationToken)
    {
        using var call = client.UploadStatistics(cancellationToken: cancellationToken);
        try
        {
            for (var offset = 0; offset < cells.Count; offset += chunkSize)
            {
                var count = Math.Min(chunkSize, cells.Count - offset);
                // request_id on the first chunk only: the server takes it from there for the whole stream.
                var chunk = new UploadStatisticsRequest { RequestId = offset == 0 ? requestId : "", Cells = { cells.GetRange(offset, count) }, Last = offset + count == cells.Count };
                await call.RequestStream.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                progress?.Report(new ReportProgress(offset + count, cells.Count, attempt, null));
            }
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            // A server that refuses the upload ends the call while chunks are still being written; the
            // failed write says only that the stream closed, and the response holds the server's reason
            // (e.g. INVALID_ARGUMENT, which must not be mistaken for a broken stream and retried).
            await call.ResponseAsync.ConfigureAwait(false);
            throw;
        }
        var response = await call.ResponseAsync.ConfigureAwait(false);
        return response.Result;
    }
}
