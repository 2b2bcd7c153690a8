using Exchange.Server.Hosting;
using Grpc.Core;

namespace Exchange.Server.Bootstrap;

/// <summary>
/// Closed until the first-start work is done (the operator bootstrap, configured operators, the
/// demo seed), which needs the server listening to know its own address. Until then the token
/// endpoint and the exchange's RPCs answer "starting" (503 / UNAVAILABLE, which clients retry)
/// instead of meeting a half-made store; health checks stay open.
/// </summary>
public sealed class StartupGate
{
    private volatile bool open;

    public bool IsOpen => open;

    public void Open() => open = true;
}

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

public static class BootstrapExtensions
{
    /// <summary>First-start work: the operator authority, operators from configuration, the demo seed (Development).</summary>
    public static WebApplicationBuilder AddExchangeBootstrap(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<OperatorOptions>(builder.Configuration.GetSection(OperatorOptions.Section));
        builder.Services.AddSingleton<StartupGate>();
        builder.Services.AddHostedService<OperatorBootstrap>();
        return builder;
    }

    /// <summary>Holds calls until the first-start work is done; first in the pipeline.</summary>
    public static WebApplication MapExchangeBootstrap(this WebApplication app)
    {
        app.UseMiddleware<StartupGateMiddleware>();
        return app;
    }
}
