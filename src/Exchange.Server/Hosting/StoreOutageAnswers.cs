using Exchange.Server.Storage;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Exchange.Server.Hosting;

/// <summary>Answers a call that failed on an unreachable store with <c>UNAVAILABLE</c>, which clients retry.</summary>
internal sealed partial class StoreOutageInterceptor(ILogger<StoreOutageInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (StoreOutage.Find(e) is { } outage)
        {
            throw Unavailable(context, outage);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception e) when (StoreOutage.Find(e) is { } outage)
        {
            throw Unavailable(context, outage);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (StoreOutage.Find(e) is { } outage)
        {
            throw Unavailable(context, outage);
        }
    }

    private RpcException Unavailable(ServerCallContext context, Exception outage)
    {
        StoreOutageLog.CallFailed(logger, context.Method, StoreOutage.Describe(outage));
        return new RpcException(new Status(StatusCode.Unavailable, StoreOutage.Message));
    }
}

/// <summary>
/// The same for what runs before a gRPC handler — authentication, the token endpoint, health
/// endpoints: <c>UNAVAILABLE</c> for a gRPC call, <c>503 temporarily_unavailable</c> (RFC 6749)
/// with <c>Retry-After</c> for anything else.
/// </summary>
internal sealed partial class StoreOutageMiddleware(RequestDelegate next, ILogger<StoreOutageMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (StoreOutage.Find(e) is { } outage && !context.Response.HasStarted)
        {
            StoreOutageLog.RequestFailed(logger, context.Request.Path.Value ?? "", StoreOutage.Describe(outage));
            context.Response.Clear();
            context.Response.Headers.RetryAfter = "2";
            if (GrpcRefusal.IsGrpc(context))
            {
                await GrpcRefusal.WriteAsync(context, StatusCode.Unavailable, StoreOutage.Message);
                return;
            }
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = "temporarily_unavailable", ["error_description"] = StoreOutage.Message });
        }
    }
}

public static class StoreOutageExtensions
{
    /// <summary>Answers a request that failed on an unreachable store as retryable; right after the startup gate.</summary>
    public static WebApplication MapExchangeStoreOutage(this WebApplication app)
    {
        app.UseMiddleware<StoreOutageMiddleware>();
        return app;
    }
}

internal static partial class StoreOutageLog
{
    [LoggerMessage(1, LogLevel.Warning, "Call {Method} failed: the store cannot be reached ({Problem}); answered UNAVAILABLE")]
    public static partial void CallFailed(ILogger logger, string method, string problem);

    [LoggerMessage(2, LogLevel.Warning, "Request {Path} failed: the store cannot be reached ({Problem}); answered 503")]
    public static partial void RequestFailed(ILogger logger, string path, string problem);
}
