using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Exchange.Server.Telemetry;

/// <summary>
/// Counts every gRPC call by method, status code and calling authority, and tags the call's span with
/// the same: the outermost interceptor, so it sees refusals by the access interceptor too.
/// </summary>
internal sealed class CallTelemetryInterceptor : Interceptor
{
    public const string AuthorityTag = "exchange.authority_id";
    public const string MethodTag = "rpc.method";
    public const string StatusTag = "rpc.grpc.status_code";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        ObserveAsync(context, () => continuation(request, context));

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        ObserveAsync(context, () => continuation(requestStream, context));

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        ObserveAsync(context, async () =>
        {
            await continuation(request, responseStream, context);
            return true;
        }, stream: true);

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        ObserveAsync(context, async () =>
        {
            await continuation(requestStream, responseStream, context);
            return true;
        }, stream: true);

    private static async Task<T> ObserveAsync<T>(ServerCallContext context, Func<Task<T>> call, bool stream = false)
    {
        var status = StatusCode.Unknown;
        try
        {
            var result = await call();
            // A server stream that ends because its client went away ends without an error of its own.
            status = stream && context.CancellationToken.IsCancellationRequested ? StatusCode.Cancelled : StatusCode.OK;
            return result;
        }
        catch (RpcException e)
        {
            status = e.StatusCode;
            throw;
        }
        finally
        {
            Record(context, status);
        }
    }

    private static void Record(ServerCallContext context, StatusCode status)
    {
        // The authority as its validated token names it; empty for a call without one.
        var user = context.GetHttpContext().User;
        var authority = user.Identity?.IsAuthenticated == true ? (user.FindFirst("sub") ?? user.FindFirst("client_id"))?.Value ?? "" : "";
        var statusName = status.ToString();
        ExchangeMetrics.Calls.Add(1, new(MethodTag, context.Method), new(StatusTag, statusName), new(AuthorityTag, authority));
        if (Activity.Current is { } span)
        {
            span.SetTag(MethodTag, context.Method);
            span.SetTag(StatusTag, statusName);
            span.SetTag(AuthorityTag, authority);
        }
    }
}
