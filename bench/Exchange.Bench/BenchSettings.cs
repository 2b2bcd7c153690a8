namespace Exchange.Bench;

/// <summary>What one run measures and how hard it pushes, as given on the command line.</summary>
internal sealed record BenchSettings(
    int Concurrency,
    int Connections,
    TimeSpan Duration,
    TimeSpan WarmUp,
    bool Short,
    string OutputPath,
    IReadOnlySet<string> Skipped,
    string? ServerDll,
    string Provider,
    string? PostgresConnectionString,
    Uri? TargetUrl,
    string? CredentialsDirectory,
    string? Database)
{
    public bool IsPostgres => Provider == "postgres";

    public string Mode => Short ? "short" : "full";

    /// <summary>Cells in the one UploadStatistics of the bulk-ingestion scenario.</summary>
    public int UploadCells => Short ? 10_000 : 200_000;

    /// <summary>The stored cells at which QueryStatistics is measured, smaller first.</summary>
    public IReadOnlyList<long> QueryLevels => QueryLevelsGiven ?? (Short ? [10_000, 50_000] : [1_000_000, 10_000_000]);

    /// <summary>The levels given by <c>--query-levels</c>, if any.</summary>
    public IReadOnlyList<long>? QueryLevelsGiven { get; init; }

    /// <summary>Distinct, never-asked queries measured at each level.</summary>
    public int FreshQueries => Short ? 5 : 20;

    /// <summary>Referrals sent in the delivery scenario, at <see cref="DeliveryRate"/> per second.</summary>
    public int Deliveries => Short ? 20 : (int)Math.Max(20, Duration.TotalSeconds * DeliveryRate);

    public const int DeliveryRate = 100;

    public bool Runs(string scenario) => !Skipped.Contains(scenario);
}

/// <summary>The scenarios, by the names <c>--skip</c> takes.</summary>
internal static class ScenarioNames
{
    public const string Echo = "echo";
    public const string ListIndicators = "list-indicators";
    public const string SubmitStatistics = "submit-statistics";
    public const string SendReferral = "send-referral";
    public const string UploadStatistics = "upload-statistics";
    public const string QueryStatistics = "query-statistics";
    public const string ReferralDelivery = "referral-delivery";

    public static readonly IReadOnlyList<string> All = [Echo, ListIndicators, SubmitStatistics, SendReferral, UploadStatistics, QueryStatistics, ReferralDelivery];
}
