using Exchange.Bench.V1;
using Google.Protobuf;
using Grpc.Core;

namespace Exchange.EndToEndTests;

/// <summary>A server configured for the benchmark, which serves its echo baseline.</summary>
public sealed class EchoServer : ExchangeServer
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Exchange:Benchmark:Echo"] = "true",
    };
}

/// <summary>The benchmark's echo: served only when configured, and then without a token and without touching the exchange.</summary>
public class BenchmarkEchoTests(EchoServer echoing, ExchangeServer plain) : IClassFixture<EchoServer>, IClassFixture<ExchangeServer>
{
    [Fact]
    public async Task Configured_echo_answers_without_a_token()
    {
        var reply = await new EchoService.EchoServiceClient(echoing.AnonymousChannel()).EchoAsync(new EchoRequest { Payload = ByteString.CopyFromUtf8("ping") });

        Assert.Equal("ping", reply.Payload.ToStringUtf8());
    }

    [Fact]
    public async Task Echo_is_not_served_by_default()
    {
        // As any method the server does not serve: without a token, nothing is said about it.
        await RpcAssert.FailsWith(StatusCode.Unauthenticated,
            async () => await new EchoService.EchoServiceClient(plain.AnonymousChannel()).EchoAsync(new EchoRequest()));
    }
}
