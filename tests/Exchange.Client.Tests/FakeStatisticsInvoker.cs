using Exchange.V1;
using Grpc.Core;

namespace Exchange.Client.Tests;

/// <summary>How the next submission (a SubmitStatistics call or an UploadStatistics stream) fails.</summary>
/// <param name="Error">What the call ends with.</param>
/// <param name="Stored">Whether the server stored the cells before the call failed (the answer was lost on the way back).</param>
/// <param name="AfterChunks">For an upload, end the call after this many chunks, while the client is still writing.</param>
internal sealed record Failure(RpcException Error, bool Stored = false, int? AfterChunks = null);

/// <summary>
/// An in-process StatisticsService behind a <see cref="CallInvoker"/>: it records every call and
/// answers as the server does, a repeated request_id with the first result, unless a scripted
/// <see cref="Failure"/> is next.
/// </summary>
internal sealed class FakeStatisticsInvoker : CallInvoker
{
    private readonly Dictionary<string, SubmissionResult> stored = [];

    public List<SubmitStatisticsRequest> Submits { get; } = [];

    /// <summary>The chunks of each upload stream, one list per stream.</summary>
    public List<List<UploadStatisticsRequest>> Uploads { get; } = [];

    /// <summary>Each QueryStatistics request as it was sent.</summary>
    public List<QueryStatisticsRequest> Queries { get; } = [];

    public Queue<Failure> Failures { get; } = new();

    public Func<QueryStatisticsRequest, QueryStatisticsResponse> Query { get; set; } = _ => new QueryStatisticsResponse();

    public int Calls => Submits.Count + Uploads.Count + Queries.Count;

    public StatisticsService.StatisticsServiceClient Client => new(this);

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var response = request switch
        {
            SubmitStatisticsRequest submit => Submit(submit),
            // A copy: the caller may reuse its request object for the next page once this call is answered.
            QueryStatisticsRequest query => Answer(query.Clone()),
            _ => throw new NotSupportedException(method.FullName),
        };
        return new AsyncUnaryCall<TResponse>(As<TResponse>(response),
            Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });

        Task<object> Submit(SubmitStatisticsRequest submit)
        {
            Submits.Add(submit);
            var (result, error) = Complete(submit.RequestId, submit.Cells.Count);
            return error is null
                ? Task.FromResult<object>(new SubmitStatisticsResponse { Result = result })
                : Task.FromException<object>(error);
        }

        Task<object> Answer(QueryStatisticsRequest query)
        {
            Queries.Add(query);
            return Task.FromResult<object>(Query(query));
        }
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options)
    {
        var chunks = new List<UploadStatisticsRequest>();
        Uploads.Add(chunks);
        var writer = new UploadWriter(this, chunks, Failures.TryDequeue(out var failure) ? failure : null);
        return new AsyncClientStreamingCall<TRequest, TResponse>((IClientStreamWriter<TRequest>)(object)writer,
            As<TResponse>(writer.Response.Task),
            Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    // Awaited rather than ContinueWith: the call must fail with the RpcException itself, as a real one does.
    private static async Task<T> As<T>(Task<object> response) => (T)await response;

    /// <summary>Stores a submission as the server does; the result, or the scripted failure.</summary>
    private (SubmissionResult? Result, RpcException? Error) Complete(string requestId, int cellCount, Failure? failure = null)
    {
        failure ??= Failures.TryDequeue(out var next) ? next : null;
        if (failure is { Stored: false })
        {
            return (null, failure.Error);
        }
        SubmissionResult result;
        if (stored.TryGetValue(requestId, out var first))
        {
            result = first.Clone();
            result.Replayed = true;
        }
        else
        {
            result = new SubmissionResult { SubmissionId = $"submission-{stored.Count + 1}", CellCount = cellCount };
            stored.Add(requestId, result);
        }
        return failure is null ? (result, null) : (null, failure.Error);
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();

    private sealed class UploadWriter(FakeStatisticsInvoker server, List<UploadStatisticsRequest> chunks, Failure? failure) : IClientStreamWriter<UploadStatisticsRequest>
    {
        public TaskCompletionSource<object> Response { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(UploadStatisticsRequest message) => WriteAsync(message, CancellationToken.None);

        public Task WriteAsync(UploadStatisticsRequest message, CancellationToken cancellationToken)
        {
            if (Response.Task.IsCompleted)
            {
                // What grpc-dotnet reports when the server has reset the stream under a write.
                return Task.FromException(new RpcException(new Status(StatusCode.Internal, "Error writing: the stream was reset.", new IOException("The HTTP/2 server reset the stream."))));
            }
            chunks.Add(message);
            if (failure?.AfterChunks == chunks.Count)
            {
                Response.SetException(failure.Error);
            }
            return Task.CompletedTask;
        }

        public Task CompleteAsync()
        {
            if (!Response.Task.IsCompleted)
            {
                var (result, error) = server.Complete(chunks.FirstOrDefault()?.RequestId ?? "", chunks.Sum(c => c.Cells.Count), failure);
                if (error is null)
                {
                    Response.SetResult(new UploadStatisticsResponse { Result = result });
                }
                else
                {
                    Response.SetException(error);
                }
            }
            return Task.CompletedTask;
        }
    }
}

/// <summary>Records every wait asked of it and ends it at once.</summary>
internal sealed class RecordingTimeProvider : TimeProvider
{
    public List<TimeSpan> Delays { get; } = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (Delays)
        {
            Delays.Add(dueTime);
        }
        _ = Task.Run(() => callback(state));
        return new NoTimer();
    }

    private sealed class NoTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>Keeps every report, on the reporting thread.</summary>
internal sealed class RecordingProgress : IProgress<ReportProgress>
{
    public List<ReportProgress> Reports { get; } = [];

    public void Report(ReportProgress value) => Reports.Add(value);
}
