using Exchange.Client.Internal;
using Exchange.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exchange.Client;

/// <summary>
/// A connection to Exchange for one authority: typed clients for the services over one HTTP/2
/// channel, with access tokens attached and renewed, a default deadline on unary calls, and retries
/// of idempotent calls while the server is unavailable, within their deadline. Create one per authority
/// and process and share it; it is thread-safe. With dependency injection, register it with
/// <c>services.AddExchangeClient(...)</c> and get named ones from <see cref="IExchangeClientFactory"/>
/// or as keyed services.
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
    private readonly ExchangeClientOptions accountOptions;
    private readonly Lazy<ExchangeTokenProvider> accountTokens;

    private ExchangeClient(ExchangeClientOptions options)
    {
        options.Validate();
        Options = options;
        var logger = options.LoggerFactory?.CreateLogger(ExchangeClientDiagnostics.LogCategory) ?? NullLogger.Instance;
        Tokens = new ExchangeTokenProvider(options);
        // AccountService needs the account scope, which a token carries only when asked for by name
        // and then for a few minutes: those calls get a token of their own.
        accountOptions = options.WithScopes([AccountScope]);
        accountTokens = new Lazy<ExchangeTokenProvider>(() => new ExchangeTokenProvider(accountOptions));
        var tokens = Tokens;
        var credentials = CallCredentials.FromInterceptor(async (context, metadata) =>
        {
            AccessToken token;
            try
            {
                if (options.AccessTokenSource is { } source)
                {
                    token = await source(context.CancellationToken).ConfigureAwait(false);
                }
                else
                {
                    var provider = context.ServiceUrl.EndsWith("/" + AccountService.Descriptor.FullName, StringComparison.Ordinal) ? accountTokens.Value : tokens;
                    token = await provider.GetTokenAsync(context.CancellationToken).ConfigureAwait(false);
                }
            }
            catch (ExchangeAuthenticationException e)
            {
                // The call fails as the refusal means (not INTERNAL), with the OAuth error in the message
                // and the exception itself in Status.DebugException.
                throw new RpcException(new Status(TokenRefusalStatus(e.Error), $"No access token: {e.Message}", e));
            }
            catch (HttpRequestException e)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, e.Message, e));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException
                or InvalidOperationException and not ObjectDisposedException)
            {
                // The key file is missing or unreadable, or the signing callback failed: no token can be had
                // until the credential is fixed. The messages name the file, never the key.
                throw new RpcException(new Status(StatusCode.Unauthenticated, $"No access token: the client assertion could not be signed: {e.Message}", e));
            }
            metadata.Add("Authorization", $"Bearer {token.Value}");
        });
        var secure = options.Address!.Scheme == Uri.UriSchemeHttps;
        channel = GrpcChannel.ForAddress(options.Address, new GrpcChannelOptions
        {
            HttpHandler = options.CreateHttpHandler?.Invoke() ?? HttpHandlers.CreateDefault(),
            Credentials = ChannelCredentials.Create(secure ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure, credentials),
            // A cleartext channel is only for loopback development; without this the token would be dropped.
            UnsafeUseInsecureChannelCallCredentials = !secure,
            // No ServiceConfig retry policy: retries are the RetryInterceptor's, which keeps trying
            // within the deadline, and logs and counts them.
            LoggerFactory = options.LoggerFactory,
        });
        // The defaults (deadline, request id) are set once, outside, so that every retry repeats them.
        var invoker = channel
            .Intercept(new RetryInterceptor(options, logger))
            .Intercept(new CallDefaultsInterceptor(options.DefaultDeadline, InvalidateTokens, options.WaitForReady));
        CallInvoker = invoker;
        Statistics = new StatisticsService.StatisticsServiceClient(invoker);
        Referrals = new ReferralService.ReferralServiceClient(invoker);
        Admin = new AdminService.AdminServiceClient(invoker);
        Account = new AccountService.AccountServiceClient(invoker);
        Members = new MemberService.MemberServiceClient(invoker);
        Population = new PopulationService.PopulationServiceClient(invoker);
    }

    private const string AccountScope = "account";

    /// <summary>
    /// The channel's invoker with tokens, deadlines and retries, for other services on the same server
    /// (the health check's <c>grpc.health.v1.Health</c>).
    /// </summary>
    internal CallInvoker CallInvoker { get; }

    /// <summary>
    /// Takes a changed credential (reloaded configuration: a new kid, key file, key or secret) for the next
    /// token request; the current token stays until it is due.
    /// </summary>
    internal void UpdateCredential(ExchangeClientOptions latest)
    {
        foreach (var target in new[] { Options, accountOptions })
        {
            target.KeyId = latest.KeyId;
            target.PrivateKeyPath = latest.PrivateKeyPath;
            target.PrivateKeyPem = latest.PrivateKeyPem;
            target.ClientSecret = latest.ClientSecret;
        }
    }

    // An unauthorised client (a disabled authority) or a scope not granted is a matter of permission, as
    // the server answers a call of a disabled authority; any other refusal (a revoked or unknown key, a
    // wrong secret) means the caller is not authenticated.
    internal static StatusCode TokenRefusalStatus(string error) => error switch
    {
        "invalid_scope" or "unauthorized_client" => StatusCode.PermissionDenied,
        "temporarily_unavailable" => StatusCode.Unavailable,
        _ => StatusCode.Unauthenticated,
    };

    // On UNAUTHENTICATED from the server: the token goes, a remembered token refusal stays.
    private void InvalidateTokens()
    {
        Tokens.DropToken();
        if (accountTokens.IsValueCreated)
        {
            accountTokens.Value.DropToken();
        }
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

    /// <summary>
    /// The authority's own credentials: rotate its key, replace its secret, see every change to them.
    /// These calls carry a separate, short-lived token with the <c>account</c> scope (issued only when
    /// asked for), which this client requests by itself. Revoking or replacing a credential ends every
    /// token issued before, this client's too: its next call after a refusal gets a new one, with the
    /// credential in its options — so after rotating, create a new client with the new credential.
    /// </summary>
    public AccountService.AccountServiceClient Account { get; }

    /// <summary>The people who act for authorities in the web app, and their roles (operators, and a person's local administrator).</summary>
    public MemberService.MemberServiceClient Members { get; }

    /// <summary>
    /// The population table (inhabitants per area and year) that turns counts into rates per 10,000:
    /// read with <c>statistics.read</c>, imported by operators.
    /// </summary>
    public PopulationService.PopulationServiceClient Population { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        channel.Dispose();
        Tokens.Dispose();
        if (accountTokens.IsValueCreated)
        {
            accountTokens.Value.Dispose();
        }
    }
}
