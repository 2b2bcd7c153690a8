using Exchange.Client;
using Exchange.Client.Internal;
using Microsoft.Extensions.Diagnostics.HealthChecks;

// In the DI namespace, beside AddHealthChecks, as the other health check packages do.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Adds a health check of an Exchange client to <c>services.AddHealthChecks()</c>.</summary>
public static class ExchangeHealthCheckExtensions
{
    /// <summary>
    /// Checks the client registered as <paramref name="clientName"/> with <c>AddExchangeClient</c>: that it
    /// holds or obtains an access token with its credential, and that the server answers
    /// <c>grpc.health.v1.Health/Check</c> with SERVING. Otherwise the result is <paramref name="failureStatus"/>
    /// (default Unhealthy) with the cause — the token endpoint's refusal (its error and description), an
    /// unreachable server, a key that cannot be read — and never a secret.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="clientName">The client's name given to <c>AddExchangeClient</c>; <c>""</c> for the unnamed client.</param>
    /// <param name="name">The check's name; default <c>exchange</c>, or <c>exchange-{clientName}</c> for a named client.</param>
    /// <param name="failureStatus">What a failed check reports; default Unhealthy.</param>
    /// <param name="tags">Tags to filter checks by, e.g. <c>ready</c>.</param>
    /// <param name="timeout">How long the check may take; default the health check service's.</param>
    public static IHealthChecksBuilder AddExchange(this IHealthChecksBuilder builder, string clientName = "", string? name = null,
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(clientName);
        return builder.Add(new HealthCheckRegistration(
            name ?? (clientName.Length == 0 ? "exchange" : $"exchange-{clientName}"),
            services => new ExchangeHealthCheck(services.GetRequiredService<IExchangeClientFactory>().GetClient(clientName)),
            failureStatus,
            tags,
            timeout));
    }
}
