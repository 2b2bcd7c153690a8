using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Exchange.Server.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>The standard variables that name an OTLP collector: with none of them set, nothing is exported.</summary>
    private static readonly string[] OtlpEndpoints =
        ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"];

    /// <summary>
    /// OpenTelemetry traces (ASP.NET Core and its gRPC calls, EF Core), metrics (the exchange's own and
    /// ASP.NET Core's) and logs, exported over OTLP when an OTEL_EXPORTER_OTLP_* endpoint is set.
    /// </summary>
    public static WebApplicationBuilder AddExchangeTelemetry(this WebApplicationBuilder builder)
    {
        var export = OtlpEndpoints.Any(name => !string.IsNullOrWhiteSpace(builder.Configuration[name]));
        var otel = builder.Services.AddOpenTelemetry()
            // EF Core spans name the operation and the database, not the statement: SQL text is no
            // business of a trace, whatever it holds.
            .WithTracing(t => t.AddAspNetCoreInstrumentation().AddEntityFrameworkCoreInstrumentation(o =>
            {
                o.EnrichWithIDbCommand = (span, _) => span.SetTag("db.query.text", null).SetTag("db.statement", null);
            }))
            .WithMetrics(m => m.AddAspNetCoreInstrumentation().AddMeter(ExchangeMetrics.MeterName));
        builder.Logging.AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = true;
            o.IncludeScopes = false;
        });
        if (export)
        {
            otel.WithTracing(t => t.AddOtlpExporter()).WithMetrics(m => m.AddOtlpExporter()).WithLogging(l => l.AddOtlpExporter());
        }
        return builder;
    }
}
