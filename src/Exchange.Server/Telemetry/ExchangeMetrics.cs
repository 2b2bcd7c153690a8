using System.Diagnostics.Metrics;

namespace Exchange.Server.Telemetry;

/// <summary>
/// The exchange's own metrics. Tags carry methods, status codes, authority ids, statuses and causes:
/// never personal data, and never a referral id (a metric series per referral would be a register).
/// </summary>
internal static class ExchangeMetrics
{
    public const string MeterName = "Exchange.Server";
    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> Calls = Meter.CreateCounter<long>("exchange.calls", description: "gRPC calls by method, status code and calling authority.");

    public static readonly Counter<long> Denials = Meter.CreateCounter<long>("exchange.calls.denied", description: "Calls refused by authorisation, by method and reason.");

    public static readonly Counter<long> CellsIngested = Meter.CreateCounter<long>("exchange.statistics.cells_ingested", unit: "{cell}", description: "Statistics cells stored, by reporting authority.");

    public static readonly Counter<long> TokensIssued = Meter.CreateCounter<long>("exchange.tokens.issued", unit: "{token}", description: "Access tokens issued, by authority.");

    public static readonly Counter<long> ReferralStatusChanges = Meter.CreateCounter<long>("exchange.referrals.status_changes", description: "Referrals entering a status (requested, received, accepted, rejected, completed, revoked).");

    public static readonly UpDownCounter<long> OpenWatches = Meter.CreateUpDownCounter<long>("exchange.referrals.watches", unit: "{stream}", description: "WatchReferrals streams open now.");

    public static readonly Counter<long> Erasures = Meter.CreateCounter<long>("exchange.referrals.erasures", description: "Referrals whose personal data was destroyed, by cause.");

    public static readonly Counter<long> ErasureSweeps = Meter.CreateCounter<long>("exchange.referrals.erasure_sweeps", description: "Runs of the expiry and retention sweep.");

    public static readonly Counter<long> AuditCheckpoints = Meter.CreateCounter<long>("exchange.audit.checkpoints", description: "Signed audit checkpoints written.");
}
