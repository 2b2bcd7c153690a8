using Exchange.Client.Internal;
using Exchange.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace Exchange.Client;

/// <summary>
/// A connection to Exchange for one authority: typed clients for the three services over one HTTP/2
/// channel, with access tokens attached and renewed, a default deadline on unary calls, and retries
/// of idempotent calls when the server is briefly unavailable. Create one per process and share it;
/// it is thread-safe.
/// </summary>
/// <example>
/// <code>
/// using var exchange = ExchangeClient.Create(o => o.UseCredentialFile("sundsvall-kommun.json"));
/// var indicators = await exchange.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());
/// </code>
/// </example>
public sealed class ExchangeClient : IDisposable
{
    private readonly GrpcChannel channel;

    private ExchangeClient(ExchangeClientOptions options)
    {
        options.Validate();
        Options = options;
        Tokens = new ExchangeTokenProvider(options);
        var tokens = Tokens;
        var credentials = CallCredentials.FromInterceptor(async (context, metadata) =>
        {
            var token = await tokens.GetTokenAsync(context.CancellationToken).ConfigureAwait(false);
            metadata.Add("Authorization", $"Bearer {token.Value}");
        });
        var secure = options.Address!.Scheme == Uri.UriSchemeHttps;
        channel = GrpcChannel.ForAddress(options.Address, new GrpcChannelOptions
        {
            HttpHandler = options.CreateHttpHandler?.Invoke() ?? HttpHandlers.CreateDefault(),
            Credentials = ChannelCredentials.Create(secure ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure, credentials),
            // A cleartext channel is only for loopback development; without this the token would be dropped.
            UnsafeUseInsecureChannelCallCredentials = !secure,
            ServiceConfig = RetryPolicies.Create(options.MaxAttempts),
            MaxRetryAttempts = options.MaxAttempts,
        });
        var invoker = channel.Intercept(new CallDefaultsInterceptor(options.DefaultDeadline, options.TimeProvider, Tokens));
        Statistics = new StatisticsService.StatisticsServiceClient(invoker);
        Referrals = new ReferralService.ReferralServiceClient(invoker);
        Admin = new AdminService.AdminServiceClient(invoker);
    }

    /// <summary>Creates a client; <paramref name="configure"/> sets the address and credential.</summary>
    /// <exception cref="ArgumentException">The options are incomplete.</exception>
    public static ExchangeClient Create(Action<ExchangeClientOptions> configure)
    {
        var options = new ExchangeClientOptions();
        configure(options);
        return new ExchangeClient(options);
    }

    /// <summary>Creates a client from complete options.</summary>
    public static ExchangeClient Create(ExchangeClientOptions options) => new(options);

    /// <summary>The options in use.</summary>
    public ExchangeClientOptions Options { get; }

    /// <summary>The token source; useful to inspect granted scopes or to force renewal.</summary>
    public ExchangeTokenProvider Tokens { get; }

    /// <summary>Statistics: the indicator catalogue, submissions and queries.</summary>
    public StatisticsService.StatisticsServiceClient Statistics { get; }

    /// <summary>Consent-based referrals.</summary>
    public ReferralService.ReferralServiceClient Referrals { get; }

    /// <summary>Administration (operators only).</summary>
    public AdminService.AdminServiceClient Admin { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        channel.Dispose();
        Tokens.Dispose();
    }
}
