using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Exchange.Client.Internal;

/// <summary>
/// Gives unary calls a default deadline and an empty <c>request_id</c> a fresh UUID before the first
/// attempt, so every retry of the call carries the same id and the server stores the write once. The
/// id goes into a copy: the caller's request object is never changed, so reusing it for another
/// write never turns that write into a silent duplicate. When the server answers UNAUTHENTICATED, the
/// cached tokens are dropped so the next call gets a new one. With <c>waitForReady</c>, every call
/// waits for the server to be reachable instead of failing at once.
/// </summary>
internal sealed class CallDefaultsInterceptor(TimeSpan defaultDeadline, Action invalidateTokens, bool waitForReady = false) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(WithRequestId(request), WithDeadline(context));
        return new AsyncUnaryCall<TResponse>(ObserveAsync(call.ResponseAsync), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        try
        {
            return continuation(WithRequestId(request), WithDeadline(context));
        }
        catch (RpcException e)
        {
            Observe(e);
            throw;
        }
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(WithRequestId(request), WithWaitForReady(context));
        return new AsyncServerStreamingCall<TResponse>(new ObservedStream<TResponse>(call.ResponseStream, this), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(WithWaitForReady(context));
        return new AsyncClientStreamingCall<TRequest, TResponse>(call.RequestStream, ObserveAsync(call.ResponseAsync), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(WithWaitForReady(context));
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(call.RequestStream, new ObservedStream<TResponse>(call.ResponseStream, this), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    private void Observe(RpcException e)
    {
        if (e.StatusCode == StatusCode.Unauthenticated)
        {
            invalidateTokens();
        }
    }

    private sealed class ObservedStream<T>(IAsyncStreamReader<T> inner, CallDefaultsInterceptor owner) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            try
            {
                return await inner.MoveNext(cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                owner.Observe(e);
                throw;
            }
        }
    }

    private async Task<TResponse> ObserveAsync<TResponse>(Task<TResponse> response)
    {
        try
        {
            return await response.ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            Observe(e);
            throw;
        }
    }

    // From the system clock, not the injected one: gRPC compares a deadline with the system clock, so
    // one taken from a test's clock would already have passed, or lie hours ahead.
    private ClientInterceptorContext<TRequest, TResponse> WithDeadline<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class
    {
        context = WithWaitForReady(context);
        return context.Options.Deadline is null
            ? new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithDeadline(DateTime.UtcNow + defaultDeadline))
            : context;
    }

    private ClientInterceptorContext<TRequest, TResponse> WithWaitForReady<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class =>
        waitForReady && !context.Options.IsWaitForReady
            ? new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithWaitForReady(true))
            : context;

    /// <summary>The request itself when it needs no id, else a copy carrying a new one.</summary>
    internal static TRequest WithRequestId<TRequest>(TRequest request)
    {
        if (request is IMessage message && message.Descriptor.FindFieldByName("request_id") is { FieldType: FieldType.String } field
            && string.IsNullOrEmpty((string)field.Accessor.GetValue(message)) && request is IDeepCloneable<TRequest> cloneable)
        {
            var copy = cloneable.Clone();
            field.Accessor.SetValue((IMessage)copy!, Guid.NewGuid().ToString());
            return copy;
        }
        return request;
    }
}
