using Exchange.Server.Bootstrap;
using Grpc.Core;

namespace Exchange.Server.Hosting;

internal sealed class StartupGateMiddleware(RequestDelegate next, StartupGate gate)
{
    private const string Starting = "The server is starting; try again in a moment.";

    public Task InvokeAsync(HttpContext context)
    {
        if (gate.IsOpen || context.Request.Path.StartsWithSegments("/grpc.health.v1.Health", StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }
        context.Response.Headers.RetryAfter = "1";
        if (GrpcRefusal.IsGrpc(context))
        {
            return GrpcRefusal.WriteAsync(context, StatusCode.Unavailable, Starting);
        }
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = "temporarily_unavailable", ["error_description"] = Starting });
    }
}
