using Exchange.Bench.V1;
using Grpc.Core;

namespace Exchange.Server.Benchmark;

/// <summary>Configuration section <c>Exchange:Benchmark</c>.</summary>
public sealed class BenchmarkOptions
{
    public const string Section = "Exchange:Benchmark";

    /// <summary>Serve <c>exchange.bench.v1.EchoService</c>, the benchmark's baseline, open without a token. Default: off.</summary>
    public bool Echo { get; set; }
}

/// <summary>The benchmark's baseline: through the same pipeline as every RPC, but without a token, a store or a rule.</summary>
public sealed class EchoGrpcService : EchoService.EchoServiceBase
{
    public override Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context) =>
        Task.FromResult(new EchoResponse { Payload = request.Payload });
}
