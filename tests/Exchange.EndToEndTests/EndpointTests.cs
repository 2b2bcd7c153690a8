using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exchange.V1;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;

namespace Exchange.EndToEndTests;

[Collection(SharedServer.Name)]
public class HealthAndReflectionTests(ExchangeServer server)
{
    [Fact]
    public async Task Health_reports_serving_once_the_database_check_ran()
    {
        using var channel = server.AnonymousChannel();
        var health = new Health.HealthClient(channel);
        var status = await Eventually.ValueAsync(async () => (await health.CheckAsync(new HealthCheckRequest())).Status, s => s == HealthCheckResponse.Types.ServingStatus.Serving);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, status);
    }

    [Fact]
    public async Task Reflection_lists_the_exchange_services_without_a_token()
    {
        using var channel = server.AnonymousChannel();
        var reflection = new ServerReflection.ServerReflectionClient(channel);
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(default));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("exchange.v1.StatisticsService", services);
        Assert.Contains("exchange.v1.ReferralService", services);
        Assert.Contains("exchange.v1.AdminService", services);
    }
}

/// <summary>The production shape: HTTPS with a configured certificate, token endpoint over HTTP/1.1 and gRPC over HTTP/2 on one port.</summary>
public class TlsServer : ExchangeServer
{
    public X509Certificate2 Certificate { get; } = CreateCertificate();

    protected string CertificatePath => Path.Combine(Root, "tls.pfx");

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            Directory.CreateDirectory(Root);
            File.WriteAllBytes(CertificatePath, Certificate.Export(X509ContentType.Pfx, "test"));
            return new Dictionary<string, string?>
            {
                ["Kestrel:Endpoints:Grpc:Url"] = "https://127.0.0.1:0",
                ["Kestrel:Endpoints:Grpc:Protocols"] = "Http1AndHttp2",
                ["Kestrel:Endpoints:Grpc:Certificate:Path"] = CertificatePath,
                ["Kestrel:Endpoints:Grpc:Certificate:Password"] = "test",
                ["Exchange:Tokens:AllowCleartext"] = "false",
            };
        }
    }

    public HttpMessageHandler TrustingHandler() => new SocketsHttpHandler
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == Certificate.GetCertHashString() },
    };

    public override Exchange.Client.ExchangeClient Connect(Action<Exchange.Client.ExchangeClientOptions> configure) => base.Connect(o =>
    {
        configure(o);
        o.Address = Address;
        o.CreateHttpHandler = TrustingHandler;
    });

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}

public class TlsEndpointTests(TlsServer server) : IClassFixture<TlsServer>
{
    [Fact]
    public async Task Token_over_http1_and_grpc_over_http2_share_one_https_port()
    {
        using var http = new HttpClient(server.TrustingHandler());
        var credential = Exchange.Contracts.CredentialFile.Load(server.DemoCredentialPath("sundsvall-kommun"));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Address, "/connect/token"))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = credential.ClientId,
                ["client_secret"] = credential.ClientSecret!,
            }),
        };
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version11, response.Version);

        using var client = server.Demo("sundsvall-kommun", useKey: true);
        var indicators = await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());
        Assert.NotEmpty(indicators.Indicators);
    }

    [Fact]
    public async Task Cleartext_is_not_served_on_the_https_port()
    {
        var cleartext = new UriBuilder(server.Address) { Scheme = "http" }.Uri;
        using var channel = GrpcChannel.ForAddress(cleartext);
        var health = new Health.HealthClient(channel);
        // Health needs no token, so only the transport can refuse it.
        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await health.CheckAsync(new HealthCheckRequest()));
        // The client names the broken handshake Unavailable or Internal, depending on when it notices; either way nothing was served.
        Assert.Contains(error.StatusCode, new[] { Grpc.Core.StatusCode.Unavailable, Grpc.Core.StatusCode.Internal });

        using var http = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(async () => await http.PostAsync(new Uri(cleartext, "/connect/token"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = "sundsvall-kommun", ["client_secret"] = "x" })));
    }
}
