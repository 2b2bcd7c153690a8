using Exchange.Client;
using Exchange.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.EndToEndTests;

[Collection(SharedServer.Name)]
public class ClientLibraryTests(ExchangeServer server)
{
    [Fact]
    public async Task Dependency_injection_gives_typed_clients_that_authenticate()
    {
        var services = new ServiceCollection();
        var credential = Exchange.Contracts.CredentialFile.Load(server.DemoCredentialPath("region-vasternorrland"));
        services.AddExchangeClient(o =>
        {
            o.Address = server.Address;
            o.ClientId = credential.ClientId;
            o.PrivateKeyPem = credential.PrivateKeyPem;
            o.KeyId = credential.KeyId;
            o.Scopes.Add("statistics.read");
        });
        await using var provider = services.BuildServiceProvider();

        var statistics = provider.GetRequiredService<StatisticsService.StatisticsServiceClient>();
        var response = await statistics.ListIndicatorsAsync(new ListIndicatorsRequest());

        Assert.NotEmpty(response.Indicators);
        Assert.Equal(["statistics.read"], (await provider.GetRequiredService<ExchangeClient>().Tokens.GetTokenAsync()).Scopes);
    }

    [Fact]
    public async Task Idempotent_write_is_retried_with_the_same_request_id_and_others_are_not()
    {
        // A stand-in statistics server on real Kestrel that is unavailable twice before it answers.
        var flaky = new FlakyStatistics(failures: 2);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear(); // not the exchange server's appsettings copied beside the tests
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(flaky);
        await using var app = builder.Build();
        app.MapGrpcService<FlakyStatistics>();
        await app.StartAsync();
        var address = new Uri(app.Urls.Single());

        var credential = Exchange.Contracts.CredentialFile.Load(server.DemoCredentialPath("sundsvall-kommun"));
        using var client = ExchangeClient.Create(o =>
        {
            o.Address = address;
            o.TokenEndpoint = new Uri(server.Address, "/connect/token");
            o.ClientId = credential.ClientId;
            o.ClientSecret = credential.ClientSecret;
        });

        var response = await client.Statistics.SubmitStatisticsAsync(new SubmitStatisticsRequest());
        Assert.Equal(3, flaky.SubmitRequestIds.Count);
        Assert.Single(flaky.SubmitRequestIds.Distinct());
        Assert.True(Guid.TryParse(flaky.SubmitRequestIds[0], out _));
        Assert.Equal(flaky.SubmitRequestIds[0], response.Result.SubmissionId);

        // A unary call without its own deadline gets the default one; one with its own keeps it.
        using (var impatient = ExchangeClient.Create(o =>
        {
            o.Address = address;
            o.TokenEndpoint = new Uri(server.Address, "/connect/token");
            o.ClientId = credential.ClientId;
            o.ClientSecret = credential.ClientSecret;
            o.DefaultDeadline = TimeSpan.FromMilliseconds(300);
        }))
        {
            await impatient.Tokens.GetTokenAsync();
            flaky.HoldQueries = true;
            await RpcAssert.FailsWith(StatusCode.DeadlineExceeded, async () => await impatient.Statistics.QueryStatisticsAsync(new QueryStatisticsRequest()));
            flaky.HoldQueries = false;
            var deadline = DateTime.UtcNow.AddSeconds(20);
            await impatient.Statistics.QueryStatisticsAsync(new QueryStatisticsRequest(), deadline: deadline);
            // The deadline travels as a timeout, so the server's is the client's to within the time on the way.
            Assert.InRange(flaky.LastQueryDeadline, deadline.AddSeconds(-2), deadline.AddSeconds(1));
        }

        flaky.Reset(failures: 1);
        using var upload = client.Statistics.UploadStatistics();
        await upload.RequestStream.CompleteAsync();
        await RpcAssert.FailsWith(StatusCode.Unavailable, async () => await upload.ResponseAsync);
        Assert.Equal(1, flaky.UploadAttempts);
        await app.StopAsync();
    }

    private sealed class FlakyStatistics(int failures) : StatisticsService.StatisticsServiceBase
    {
        private int remaining = failures;

        public List<string> SubmitRequestIds { get; } = [];

        public int UploadAttempts { get; private set; }

        public void Reset(int failures) => remaining = failures;

        public override Task<SubmitStatisticsResponse> SubmitStatistics(SubmitStatisticsRequest request, ServerCallContext context)
        {
            Assert.StartsWith("Bearer ", context.RequestHeaders.GetValue("authorization"));
            SubmitRequestIds.Add(request.RequestId);
            return remaining-- > 0
                ? throw new RpcException(new Status(StatusCode.Unavailable, "restarting"))
                : Task.FromResult(new SubmitStatisticsResponse { Result = new SubmissionResult { SubmissionId = request.RequestId } });
        }

        /// <summary>Whether a query is answered only when its deadline cancels it.</summary>
        public bool HoldQueries { get; set; }

        public DateTime LastQueryDeadline { get; private set; }

        public override async Task<QueryStatisticsResponse> QueryStatistics(QueryStatisticsRequest request, ServerCallContext context)
        {
            LastQueryDeadline = context.Deadline;
            if (HoldQueries)
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }
            return new QueryStatisticsResponse();
        }

        public override Task<UploadStatisticsResponse> UploadStatistics(IAsyncStreamReader<UploadStatisticsRequest> requestStream, ServerCallContext context)
        {
            UploadAttempts++;
            return remaining-- > 0
                ? throw new RpcException(new Status(StatusCode.Unavailable, "restarting"))
                : Task.FromResult(new UploadStatisticsResponse());
        }
    }
}
