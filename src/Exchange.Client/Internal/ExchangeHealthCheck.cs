using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Exchange.Client.Internal;

/// <summary>
/// Whether an authority's client can work now: it has a token (proving its credential is accepted) and
/// the server is serving. The token comes first, so a revoked key shows as such even while the server is up.
/// </summary>
internal sealed class ExchangeHealthCheck(ExchangeClient client) : IHealthCheck
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var clientId = client.Options.ClientId;
        var data = new Dictionary<string, object> { ["clientId"] = clientId, ["address"] = client.Options.Address!.ToString() };
        AccessToken token;
        try
        {
            token = await client.Tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ExchangeAuthenticationException e)
        {
            data["error"] = e.Error;
            return Failed(context, $"Exchange refused a token to {clientId}: {e.Message}", data);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException
            or InvalidOperationException and not ObjectDisposedException)
        {
            return Failed(context, $"No Exchange token for {clientId}: {e.Message}", data);
        }

        try
        {
            var health = new Health.HealthClient(client.CallInvoker);
            var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + Deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
            data["scopes"] = string.Join(' ', token.Scopes);
            return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving
                ? HealthCheckResult.Healthy($"Exchange serves {clientId}, whose token is valid until {token.ExpiresAt:O}.", data)
                : Failed(context, $"Exchange answers {reply.Status} to {clientId}.", data);
        }
        catch (RpcException e)
        {
            data["statusCode"] = e.StatusCode.ToString();
            return Failed(context, $"Exchange did not answer {clientId}'s health check: {e.StatusCode}: {e.Status.Detail}", data);
        }
    }

    private static HealthCheckResult Failed(HealthCheckContext context, string description, IReadOnlyDictionary<string, object> data) =>
        new(context.Registration.FailureStatus, description, exception: null, data);
}
