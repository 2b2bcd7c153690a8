using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Exchange.Server.Account;
using Exchange.Server.Admin;
using Exchange.Server.Authorization;
using Exchange.Server.Configuration;
using Exchange.Server.Referrals;
using Exchange.Server.Statistics;
using Exchange.Server.Validation;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Exchange.Server.Hosting;

/// <summary>Configuration section <c>Exchange:Grpc</c>.</summary>
public sealed class GrpcHostingOptions
{
    public const string Section = "Exchange:Grpc";

    /// <summary>Serve gRPC server reflection (open without a token). Default: on in Development only.</summary>
    public bool Reflection { get; set; }
}

/// <summary>Configuration section <c>Exchange:RateLimits</c>: calls per authority, across all its tokens, on this server.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Exchange:RateLimits";

    /// <summary>Sustained calls per second per authority; 0 turns the limit off. Default 200.</summary>
    [Range(0, 1_000_000, ErrorMessage = "CallsPerSecondPerAuthority must be 0 (off) to 1,000,000.")]
    public int CallsPerSecondPerAuthority { get; set; } = 200;

    /// <summary>Calls an authority may make at once above the sustained rate. Default 400.</summary>
    [Range(0, 1_000_000, ErrorMessage = "Burst must be 0 to 1,000,000.")]
    public int Burst { get; set; } = 400;
}

public static class GrpcExtensions
{
    /// <summary>
    /// Limits on what a caller sends, per service, as large as its contract needs: statistics carry up
    /// to 10,000 cells per message (both SubmitStatistics and each UploadStatistics chunk); referrals
    /// one person and a message of 4,000 characters; administration a JWK of 8 KB or an indicator;
    /// population imports up to 10,000 figures.
    /// </summary>
    public const int StatisticsMaxMessage = 4 * 1024 * 1024;
    public const int ReferralMaxMessage = 256 * 1024;
    public const int AdminMaxMessage = 256 * 1024;
    public const int AccountMaxMessage = 64 * 1024;
    public const int PopulationMaxMessage = 1024 * 1024;
    public const int DefaultMaxMessage = 64 * 1024;

    private const string PerAuthority = "per-authority";
    public const string LivenessPath = "/healthz";
    public const string ReadinessPath = "/readyz";
    private const string KestrelLimitsSection = "Kestrel:Limits";

    /// <summary>gRPC with the access interceptor on every call, health checks, reflection where enabled, and per-authority rate limits.</summary>
    public static WebApplicationBuilder AddExchangeGrpc(this WebApplicationBuilder builder)
    {
        TransportSecurity.RequireTlsOutsideDevelopment(builder.Configuration, builder.Environment);
        builder.Services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = DefaultMaxMessage;
            // gzip as usual, but a message that is not valid gzip is INVALID_ARGUMENT, not UNKNOWN.
            options.CompressionProviders = [new CheckedGzipCompressionProvider()];
            options.Interceptors.Add<Telemetry.CallTelemetryInterceptor>();
            options.Interceptors.Add<StoreOutageInterceptor>();
            options.Interceptors.Add<AccessInterceptor>();
            options.Interceptors.Add<DomainErrorInterceptor>();
        })
            .AddServiceOptions<StatisticsGrpcService>(o => o.MaxReceiveMessageSize = StatisticsMaxMessage)
            .AddServiceOptions<ReferralGrpcService>(o => o.MaxReceiveMessageSize = ReferralMaxMessage)
            .AddServiceOptions<AdminGrpcService>(o => o.MaxReceiveMessageSize = AdminMaxMessage)
            .AddServiceOptions<AccountGrpcService>(o => o.MaxReceiveMessageSize = AccountMaxMessage)
            .AddServiceOptions<Population.PopulationGrpcService>(o => o.MaxReceiveMessageSize = PopulationMaxMessage);
        // Kestrel binds only its endpoints from configuration; its limits (appsettings.json's
        // Kestrel:Limits, the defaults documented in README.md) are bound here.
        builder.Services.Configure<KestrelServerOptions>(o => builder.Configuration.GetSection(KestrelLimitsSection).Bind(o.Limits));
        builder.Services.AddGrpcHealthChecks();
        // Registered always, mapped only where enabled.
        builder.Services.AddGrpcReflection();
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, GrpcAuthorizationResultHandler>();
        builder.Services.AddSingleton<MalformedMessageLog>();
        // The malformed-message log of the server handling a request is found through it.
        builder.Services.AddHttpContextAccessor();

        var limits = builder.AddValidatedOptions<RateLimitOptions>(RateLimitOptions.Section);
        builder.AddValidatedOptions<GrpcHostingOptions>(GrpcHostingOptions.Section);
        builder.AddValidatedOptions<Benchmark.BenchmarkOptions>(Benchmark.BenchmarkOptions.Section);
        builder.Services.AddRateLimiter(options =>
        {
            options.AddPolicy(PerAuthority, context =>
            {
                var authority = context.User.GetClaim(Claims.Subject);
                return authority is null || limits.CallsPerSecondPerAuthority <= 0
                    ? RateLimitPartition.GetNoLimiter("")
                    : RateLimitPartition.GetTokenBucketLimiter(authority, _ => new TokenBucketRateLimiterOptions
                    {
                        TokensPerPeriod = limits.CallsPerSecondPerAuthority,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        TokenLimit = Math.Max(limits.Burst, limits.CallsPerSecondPerAuthority),
                        QueueLimit = 0,
                    });
            });
            options.OnRejected = (rejected, _) => GrpcRefusal.IsGrpc(rejected.HttpContext)
                ? new ValueTask(GrpcRefusal.WriteAsync(rejected.HttpContext, StatusCode.ResourceExhausted, "Too many calls from this authority; slow down and retry."))
                : ValueTask.CompletedTask;
        });
        return builder;
    }

    /// <summary>Holds calls until the first-start work is done; first in the pipeline.</summary>
    public static WebApplication MapExchangeStartupGate(this WebApplication app)
    {
        app.UseMiddleware<StartupGateMiddleware>();
        return app;
    }

    public static WebApplication MapExchangeGrpc(this WebApplication app)
    {
        app.UseMiddleware<OpenServiceGuard>();
        app.UseRateLimiter();
        app.Use((context, next) =>
        {
            // Frame headers are checked as the body is read: a bad one is INVALID_ARGUMENT, not UNKNOWN.
            if (GrpcRefusal.IsGrpc(context))
            {
                context.Request.Body = new FrameCheckingStream(context.Request.Body);
            }
            return next(context);
        });
        // Authorisation on the endpoint refuses a call without a valid token before its message is
        // read; the access interceptor then decides scopes and grants against the store.
        Exchange(app.MapGrpcService<StatisticsGrpcService>());
        Exchange(app.MapGrpcService<ReferralGrpcService>());
        Exchange(app.MapGrpcService<AdminGrpcService>());
        Exchange(app.MapGrpcService<AccountGrpcService>());
        Exchange(app.MapGrpcService<People.MemberGrpcService>());
        Exchange(app.MapGrpcService<Population.PopulationGrpcService>());
        app.MapGrpcHealthChecksService();
        // For load balancers that speak HTTP: liveness runs no check (the process answers), readiness
        // the database's. Open, as grpc.health.v1 is; they say nothing but Healthy or Unhealthy.
        app.MapHealthChecks(LivenessPath, new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks(ReadinessPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(Storage.DatabaseHealthCheck.Readiness) });
        if (app.Services.GetRequiredService<IOptions<GrpcHostingOptions>>().Value.Reflection)
        {
            app.MapGrpcReflectionService();
        }
        if (app.Services.GetRequiredService<IOptions<Benchmark.BenchmarkOptions>>().Value.Echo)
        {
            app.MapGrpcService<Benchmark.EchoGrpcService>();
        }
        return app;
    }

    private static void Exchange(GrpcServiceEndpointConventionBuilder endpoints) =>
        endpoints.RequireAuthorization(AuthorizationExtensions.CallerPolicy).RequireRateLimiting(PerAuthority);
}
