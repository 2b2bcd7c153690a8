using Exchange.Server.Admin;
using Exchange.Server.Authorization;
using Exchange.Server.Referrals;
using Exchange.Server.Statistics;

namespace Exchange.Server.Hosting;

public static class GrpcExtensions
{
    /// <summary>Limits on what a caller controls: the largest message a call may send.</summary>
    public const int MaxReceiveMessageSize = 8 * 1024 * 1024;

    /// <summary>gRPC with the access interceptor on every call, health checks and reflection.</summary>
    public static WebApplicationBuilder AddExchangeGrpc(this WebApplicationBuilder builder)
    {
        builder.Services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = MaxReceiveMessageSize;
            options.Interceptors.Add<AccessInterceptor>();
            options.Interceptors.Add<DomainErrorInterceptor>();
        });
        builder.Services.AddGrpcHealthChecks();
        builder.Services.AddGrpcReflection();
        return builder;
    }

    public static WebApplication MapExchangeGrpc(this WebApplication app)
    {
        app.MapGrpcService<StatisticsGrpcService>();
        app.MapGrpcService<ReferralGrpcService>();
        app.MapGrpcService<AdminGrpcService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }
}
