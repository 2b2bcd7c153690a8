using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Exchange.Client.Internal;

/// <summary>
/// The one ActivitySource and Meter of the library. Static, as ActivitySource and Meter are meant to be:
/// listeners subscribe by name, and every client in the process reports under it with its authority as a tag.
/// </summary>
internal static class Telemetry
{
    private static readonly string? Version = typeof(Telemetry).Assembly.GetName().Version?.ToString();

    public static readonly ActivitySource Source = new(ExchangeClientDiagnostics.ActivitySourceName, Version);

    private static readonly Meter Meter = new(ExchangeClientDiagnostics.MeterName, Version);

    public static readonly Counter<long> TokenRequests = Meter.CreateCounter<long>(ExchangeClientDiagnostics.TokenRequestsCounter, "{request}", "Requests to the Exchange token endpoint, by outcome.");

    public static readonly Counter<long> Retries = Meter.CreateCounter<long>(ExchangeClientDiagnostics.RetriesCounter, "{retry}", "Retries of idempotent Exchange calls.");

    public const string ClientIdTag = "exchange.client_id";
}

/// <summary>The client's log events; none carries a token, a secret or a key.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Exchange access token acquired for {ClientId}, valid until {ExpiresAt:O}, scopes {Scopes}")]
    public static partial void TokenAcquired(ILogger logger, string clientId, DateTimeOffset expiresAt, string scopes);

    [LoggerMessage(2, LogLevel.Debug, "Exchange access token renewed for {ClientId}, valid until {ExpiresAt:O}, scopes {Scopes}")]
    public static partial void TokenRenewed(ILogger logger, string clientId, DateTimeOffset expiresAt, string scopes);

    [LoggerMessage(3, LogLevel.Warning, "The Exchange token endpoint refused a token for {ClientId}: {Error} ({Description}); calls fail with this refusal until {NextAttemptAt:O}")]
    public static partial void TokenRefused(ILogger logger, string clientId, string error, string? description, DateTimeOffset nextAttemptAt);

    [LoggerMessage(4, LogLevel.Warning, "The Exchange token endpoint could not be reached for {ClientId}")]
    public static partial void TokenEndpointUnreachable(ILogger logger, string clientId, Exception exception);

    [LoggerMessage(5, LogLevel.Information, "Exchange private key for {ClientId} changed; assertions are now signed with kid {KeyId}")]
    public static partial void KeyChanged(ILogger logger, string clientId, string? keyId);

    [LoggerMessage(6, LogLevel.Information, "Retrying {Method} for {ClientId} (attempt {Attempt}) in {Delay} after {StatusCode}: {Detail}")]
    public static partial void Retrying(ILogger logger, string method, string clientId, int attempt, TimeSpan delay, Grpc.Core.StatusCode statusCode, string detail);
}
