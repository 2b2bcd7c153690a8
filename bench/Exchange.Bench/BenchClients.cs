using Exchange.Bench.V1;
using Exchange.Client;
using Grpc.Net.Client;

namespace Exchange.Bench;

/// <summary>
/// The clients of the run, <c>--connections</c> of each (one HTTP/2 channel each), shared by every
/// scenario; worker <c>w</c> uses channel <c>w % connections</c>.
/// </summary>
internal sealed class BenchClients : IDisposable
{
    private readonly ExchangeClient[] police;
    private readonly ExchangeClient[] recipient;
    private readonly ExchangeClient[] reader;
    private readonly GrpcChannel[] echoChannels;
    private readonly EchoService.EchoServiceClient[] echo;
    private readonly ExchangeClient? operatorClient;

    public BenchClients(ServerUnderTest server, int connections)
    {
        police = Create(server, server.CredentialFile(Authorities.Police), connections);
        recipient = Create(server, server.CredentialFile(Authorities.ReferralRecipient), connections);
        reader = Create(server, server.CredentialFile(Authorities.CountyReader), connections);
        operatorClient = server.OperatorCredential is { } file && File.Exists(file) ? Create(server, file, 1)[0] : null;
        // The echo takes no token: a plain channel with the client library's HTTP handler settings.
        echoChannels = [.. Enumerable.Range(0, connections).Select(_ => GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            },
        }))];
        echo = [.. echoChannels.Select(c => new EchoService.EchoServiceClient(c))];
    }

    private static ExchangeClient[] Create(ServerUnderTest server, string credentialFile, int connections)
    {
        if (!File.Exists(credentialFile))
        {
            throw new BenchSetupException($"No credential file {credentialFile}.");
        }
        return [.. Enumerable.Range(0, connections).Select(_ => ExchangeClient.Create(o =>
        {
            o.UseCredentialFile(credentialFile);
            o.Address = server.Address;
        }))];
    }

    /// <summary>polisregion-nord: reports statistics, sends referrals.</summary>
    public ExchangeClient Police(int worker) => police[worker % police.Length];

    /// <summary>kramfors-kommun: receives referrals.</summary>
    public ExchangeClient Recipient(int worker) => recipient[worker % recipient.Length];

    /// <summary>lansstyrelsen-vasternorrland: reads aggregates.</summary>
    public ExchangeClient Reader(int worker) => reader[worker % reader.Length];

    public EchoService.EchoServiceClient Echo(int worker) => echo[worker % echo.Length];

    /// <summary>The operator (admin scope), or null when its credential is not at hand.</summary>
    public ExchangeClient? Operator => operatorClient;

    /// <summary>Gets every client its token before anything is measured.</summary>
    public async Task WarmTokensAsync(CancellationToken cancellationToken)
    {
        foreach (var client in police.Concat(recipient).Concat(reader))
        {
            await client.Tokens.GetTokenAsync(cancellationToken);
        }
    }

    public void Dispose()
    {
        foreach (var client in police.Concat(recipient).Concat(reader))
        {
            client.Dispose();
        }
        operatorClient?.Dispose();
        foreach (var channel in echoChannels)
        {
            channel.Dispose();
        }
    }
}
