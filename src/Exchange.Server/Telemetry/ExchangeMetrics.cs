using System.Diagnostics.Metrics;

namespace Exchange.Server.Telemetry;

/// <summary>The exchange's own metrics. Labels never carry personal data.</summary>
internal static class ExchangeMetrics
{
    public const string MeterName = "Exchange.Server";
    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> Denials = Meter.CreateCounter<long>("exchange.calls.denied", description: "Calls refused by authorisation.");
}
