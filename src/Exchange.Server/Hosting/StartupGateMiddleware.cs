using Exchange.Server.Bootstrap;
using Grpc.Core;

namespace Exchange.Server.Hosting;

internal sealed class StartupGateMiddleware(RequestDelegate next, StartupGate gate)
{
    private const string Starting = "The server is starting; try again in a moment.";

    public async Task InvokeAsync(HttpContext context)
    {
        // Liveness holds while starting (migrating a large database must not get the process restarted); readiness does not.
        if (gate.IsOpen || context.Request.Path.StartsWithSegments("/grpc.health.v1.Health", StringComparison.OrdinalIgnoreCase)
            || context.Request.Path.Equals(GrpcExtensions.LivenessPath, StringComparison.OrdinalIgnoreCase)
            // A readiness probe is answered at once; a call is held a moment for the gate to open.
            || (!context.Request.Path.Equals(GrpcExtensions.ReadinessPath, StringComparison.OrdinalIgnoreCase) && await gate.WaitAsync(context.RequestAborted)))
        {
            await next(context);
            return;
        }
        context.Response.Headers.RetryAfter = "1";
        if (GrpcRefusal.IsGrpc(context))
        {
            await GrpcRefusal.WriteAsync(context, StatusCode.Unavailable, Starting);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        await context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = "temporarily_unavailable", ["error_description"] = Starting });
    }
}
