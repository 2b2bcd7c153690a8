namespace Exchange.Client;

/// <summary>
/// The names under which the client reports what it does, to subscribe to them, e.g. with OpenTelemetry:
/// <c>tracing.AddSource(ExchangeClientDiagnostics.ActivitySourceName)</c> and
/// <c>metrics.AddMeter(ExchangeClientDiagnostics.MeterName)</c>.
/// </summary>
public static class ExchangeClientDiagnostics
{
    /// <summary>
    /// The <see cref="System.Diagnostics.ActivitySource"/>: each token request is a client span named
    /// <see cref="TokenActivityName"/>, tagged with the authority (<c>exchange.client_id</c>) and the outcome.
    /// </summary>
    public const string ActivitySourceName = "Exchange.Client";

    /// <summary>The name of the span of one request to the token endpoint.</summary>
    public const string TokenActivityName = "Exchange.Client.TokenRequest";

    /// <summary>
    /// The <see cref="System.Diagnostics.Metrics.Meter"/>, with the counters <see cref="TokenRequestsCounter"/>
    /// and <see cref="RetriesCounter"/>.
    /// </summary>
    public const string MeterName = "Exchange.Client";

    /// <summary>
    /// Requests to the token endpoint, by <c>exchange.client_id</c> and <c>outcome</c>: <c>issued</c>,
    /// <c>refused</c> or <c>unreachable</c>. Calls failed from a cached refusal are not requests and not counted here.
    /// </summary>
    public const string TokenRequestsCounter = "exchange.client.token.requests";

    /// <summary>Retries of idempotent calls, by <c>exchange.client_id</c>, <c>rpc.method</c> and <c>rpc.grpc.status_code</c> of the failed attempt.</summary>
    public const string RetriesCounter = "exchange.client.retries";

    /// <summary>The <see cref="Microsoft.Extensions.Logging.ILogger"/> category of the client's log events.</summary>
    public const string LogCategory = "Exchange.Client";
}
