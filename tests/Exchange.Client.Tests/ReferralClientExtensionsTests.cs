using Exchange.V1;
using Grpc.Core;

namespace Exchange.Client.Tests;

/// <summary>A WatchReferrals server behind a <see cref="CallInvoker"/>: each call plays the next scripted stream.</summary>
internal sealed class FakeWatchInvoker : CallInvoker
{
    /// <summary>Per call: the events it sends, then the error it ends with (null: it stays open until cancelled).</summary>
    public Queue<(string[] Cursors, RpcException? End)> Streams { get; } = new();

    public List<string> RequestedCursors { get; } = [];

    public ReferralService.ReferralServiceClient Client => new(this);

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        RequestedCursors.Add(((WatchReferralsRequest)(object)request!).Cursor);
        var (cursors, end) = Streams.TryDequeue(out var script) ? script : ([], null);
        var reader = new Reader(cursors, end, options.CancellationToken);
        return new AsyncServerStreamingCall<TResponse>((IAsyncStreamReader<TResponse>)(object)reader, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();

    private sealed class Reader(string[] cursors, RpcException? end, CancellationToken callCancelled) : IAsyncStreamReader<WatchReferralsResponse>
    {
        private int next;

        public WatchReferralsResponse Current { get; private set; } = null!;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (next < cursors.Length)
            {
                Current = new WatchReferralsResponse { Cursor = cursors[next++], Type = ReferralEventType.Received, Referral = new ReferralSummary { Id = $"r-{next}" } };
                return true;
            }
            if (end is not null)
            {
                throw end;
            }
            using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, callCancelled);
            try
            {
                await Task.Delay(Timeout.Infinite, both.Token);
            }
            catch (OperationCanceledException)
            {
                throw new RpcException(new Status(StatusCode.Cancelled, "Call canceled by the client."));
            }
            return false;
        }
    }
}

public class ReferralClientExtensionsTests
{
    [Fact]
    public async Task The_watcher_resumes_after_a_disconnect_from_the_last_cursor_saved_and_handles_each_event_once()
    {
        var server = new FakeWatchInvoker();
        server.Streams.Enqueue((["c1", "c2"], new RpcException(new Status(StatusCode.Unavailable, "server restarting"))));
        server.Streams.Enqueue(([], new RpcException(new Status(StatusCode.Unavailable, "still restarting"))));
        server.Streams.Enqueue((["c3"], null));
        var handled = new List<string>();
        var saved = new List<string>();
        var waits = new List<TimeSpan>();
        using var stop = new CancellationTokenSource();

        await server.Client.WatchReferralsAsync(new ReferralWatchOptions
        {
            LoadCursor = _ => Task.FromResult<string?>("c0"),
            SaveCursor = (cursor, _) => { saved.Add(cursor); return Task.CompletedTask; },
            Reconnecting = (_, wait) => waits.Add(wait),
            InitialBackoff = TimeSpan.Zero,
        }, (change, _) =>
        {
            handled.Add(change.Cursor);
            if (change.Cursor == "c3")
            {
                stop.Cancel();
            }
            return Task.CompletedTask;
        }, stop.Token);

        Assert.Equal(["c1", "c2", "c3"], handled);
        Assert.Equal(["c1", "c2", "c3"], saved);
        Assert.Equal(["c0", "c2", "c2"], server.RequestedCursors);
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(1)], waits);
    }

    [Fact]
    public async Task A_refusal_ends_the_watch_and_a_failing_handler_saves_no_cursor()
    {
        var refused = new FakeWatchInvoker();
        refused.Streams.Enqueue(([], new RpcException(new Status(StatusCode.PermissionDenied, "no referrals scope"))));
        var error = await Assert.ThrowsAsync<RpcException>(() => refused.Client.WatchReferralsAsync(new ReferralWatchOptions(), (_, _) => Task.CompletedTask));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);

        var server = new FakeWatchInvoker();
        server.Streams.Enqueue((["c1", "c2"], null));
        var saved = new List<string>();
        await Assert.ThrowsAsync<InvalidOperationException>(() => server.Client.WatchReferralsAsync(
            new ReferralWatchOptions { SaveCursor = (c, _) => { saved.Add(c); return Task.CompletedTask; } },
            (change, _) => change.Cursor == "c2" ? throw new InvalidOperationException("case system down") : Task.CompletedTask));
        Assert.Equal(["c1"], saved);
        Assert.Single(server.RequestedCursors);
    }
}
