using System.Net;
using Exchange.Server.Hosting;
using Exchange.V1;
using Google.Protobuf;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Exchange.EndToEndTests;

/// <summary>
/// What reaches the server before anyone is authenticated, and how much: calls without a token are
/// refused before their body is read, tokens come from the Authorization header only, and every
/// service takes messages only as large as its contract needs.
/// </summary>
[Collection(SharedServer.Name)]
public class TransportTests(ExchangeServer server)
{
    private const int Unauthenticated = 16;
    private const int ResourceExhausted = 8;

    [Fact]
    public async Task Call_without_a_token_is_refused_before_its_body_arrives()
    {
        using var raw = new RawHttp2(server.Address);
        using var body = new NeverEndingMessage(declaredLength: 7_900_000);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        // The client has sent a frame header announcing 7.9 MB and 1 KB of it, and sends no more.
        var (status, _) = await raw.GrpcAsync("/exchange.v1.AdminService/CreateAuthority", body, bearer: null, cancellationToken: timeout.Token);

        Assert.Equal(Unauthenticated, status);
    }

    [Fact]
    public async Task Access_token_in_the_query_string_is_not_accepted()
    {
        using var client = server.Demo("sundsvall-kommun");
        var token = (await client.Tokens.GetTokenAsync()).Value;
        using var raw = new RawHttp2(server.Address);

        var inHeader = await raw.GrpcAsync("/exchange.v1.StatisticsService/ListIndicators", [], bearer: token);
        var inQuery = await raw.GrpcAsync($"/exchange.v1.StatisticsService/ListIndicators?access_token={token}", []);

        Assert.Equal(0, inHeader.Status);
        Assert.Equal(Unauthenticated, inQuery.Status);
    }

    [Fact]
    public async Task Admin_message_larger_than_its_contract_needs_is_refused()
    {
        using var admin = server.Operator();
        var token = (await admin.Tokens.GetTokenAsync()).Value;
        using var raw = new RawHttp2(server.Address);
        var request = new CreateAuthorityRequest { Authority = new Authority { Id = "too-large", Name = new string('x', 1_000_000) } };

        var (status, _) = await raw.GrpcAsync("/exchange.v1.AdminService/CreateAuthority", request.ToByteArray(), bearer: token);

        Assert.Equal(ResourceExhausted, status);
    }

    [Fact]
    public void Kestrel_limits_connections_streams_headers_and_slow_bodies()
    {
        var limits = server.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;

        // Each tighter than Kestrel's own default (unlimited, 32 KB, 100 headers, 32 KB, 30 MB), or kept on.
        Assert.InRange(limits.MaxConcurrentConnections ?? long.MaxValue, 1, 10_000);
        Assert.InRange(limits.MaxRequestHeadersTotalSize, 1, 16 * 1024);
        Assert.InRange(limits.MaxRequestHeaderCount, 1, 64);
        Assert.InRange(limits.Http2.MaxRequestHeaderFieldSize, 1, 8 * 1024);
        Assert.InRange(limits.Http2.MaxStreamsPerConnection, 1, 100);
        // Above the largest unary message (statistics, 4 MB); the token endpoint takes 64 KB.
        Assert.InRange(limits.MaxRequestBodySize ?? long.MaxValue, GrpcExtensions.StatisticsMaxMessage, 5 * 1024 * 1024);
        Assert.NotNull(limits.MinRequestBodyDataRate);
    }

    [Theory]
    [InlineData("/connect/token")]
    [InlineData("/connect/token/")]
    [InlineData("/Connect/Token")]
    public async Task Oversized_token_request_is_refused_however_the_path_is_spelt(string path)
    {
        using var raw = new RawHttp2(server.Address);
        var response = await raw.TokenAsync([
            new("grant_type", "client_credentials"), new("client_id", "sundsvall-kommun"), new("client_secret", new string('x', 2_000_000)),
        ], path: path);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
    }

    [Theory]
    [InlineData(1, "gzip")]
    [InlineData(2, null)]
    public async Task Broken_compression_or_framing_is_invalid_argument_not_a_crash(byte flag, string? encoding)
    {
        using var client = server.Demo("sundsvall-kommun");
        var token = (await client.Tokens.GetTokenAsync()).Value;
        using var raw = new RawHttp2(server.Address);
        var before = server.EmittedLogs.Count;

        var (status, _) = await raw.GrpcAsync("/exchange.v1.StatisticsService/ListIndicators",
            new ByteArrayContent(RawHttp2.Frame("not gzip at all"u8.ToArray(), flag)), bearer: token, encoding: encoding);

        Assert.Equal(3, status);
        Assert.DoesNotContain(server.EmittedLogs.Skip(before), l => l.Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Frame_announcing_four_gigabytes_is_resource_exhausted_not_a_crash()
    {
        using var client = server.Demo("sundsvall-kommun");
        var token = (await client.Tokens.GetTokenAsync()).Value;
        using var raw = new RawHttp2(server.Address);
        var before = server.EmittedLogs.Count;

        var (status, _) = await raw.GrpcAsync("/exchange.v1.StatisticsService/ListIndicators", new ByteArrayContent([0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3]), bearer: token);

        Assert.Equal(ResourceExhausted, status);
        Assert.DoesNotContain(server.EmittedLogs.Skip(before), l => l.Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gzip_compressed_request_is_served()
    {
        using var client = server.Demo("sundsvall-kommun");
        var token = (await client.Tokens.GetTokenAsync()).Value;
        using var raw = new RawHttp2(server.Address);
        using var compressed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(new ListIndicatorsRequest { PageSize = 10 }.ToByteArray());
        }

        var (status, _) = await raw.GrpcAsync("/exchange.v1.StatisticsService/ListIndicators",
            new ByteArrayContent(RawHttp2.Frame(compressed.ToArray(), compressed: 1)), bearer: token, encoding: "gzip");

        Assert.Equal(0, status);
    }

    /// <summary>A gRPC message that announces a length, sends 1 KB of it and then nothing, until the request ends.</summary>
    private sealed class NeverEndingMessage(int declaredLength) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var header = new byte[5];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), (uint)declaredLength);
            await stream.WriteAsync(header, cancellationToken);
            await stream.WriteAsync(new byte[1024], cancellationToken);
            await stream.FlushAsync(cancellationToken);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

/// <summary>Malformed protobuf: a clear INVALID_ARGUMENT and one short log line, not a stack trace per request.</summary>
public class MalformedMessageTests(ExchangeServer server) : IClassFixture<ExchangeServer>
{
    private static readonly byte[] Garbage = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x02, 0x03];

    [Fact]
    public async Task Malformed_message_is_invalid_argument_with_short_rate_limited_logs()
    {
        using var client = server.Demo("sundsvall-kommun");
        var token = (await client.Tokens.GetTokenAsync()).Value;
        using var raw = new RawHttp2(server.Address);
        var before = server.EmittedLogs.Count;

        var statuses = new List<int>();
        for (var i = 0; i < 50; i++)
        {
            statuses.Add((await raw.GrpcAsync("/exchange.v1.StatisticsService/ListIndicators", Garbage, bearer: token)).Status);
        }

        Assert.All(statuses, s => Assert.Equal(3, s));
        var lines = server.EmittedLogs.Skip(before).ToList();
        Assert.DoesNotContain(lines, l => l.Contains("   at ", StringComparison.Ordinal));
        var malformed = lines.Where(l => l.Contains("malformed", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.InRange(malformed.Count, 1, 5);
        Assert.All(malformed, l => Assert.True(l.Length < 400, l));
    }
}

/// <summary>Malformed messages to open services and without a token: refused, and no stack trace in the log.</summary>
[Collection(SharedServer.Name)]
public class MalformedOpenMessageTests(ExchangeServer server)
{
    private static readonly byte[] Garbage = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x02, 0x03];

    [Theory]
    [InlineData("/grpc.health.v1.Health/Check", 0)]
    [InlineData("/GRPC.HEALTH.V1.HEALTH/Check", 0)]
    [InlineData("/grpc.health.v1.Health/Check", 1)]
    public async Task Malformed_health_check_is_invalid_argument_without_a_stack_trace(string path, byte compressed)
    {
        using var raw = new RawHttp2(server.Address);
        var before = server.EmittedLogs.Count;

        var (status, _) = await raw.GrpcAsync(path, new ByteArrayContent(RawHttp2.Frame(Garbage, compressed)), encoding: compressed == 1 ? "gzip" : null);

        Assert.Equal(3, status);
        Assert.DoesNotContain(server.EmittedLogs.Skip(before), l => l.StartsWith("Error", StringComparison.Ordinal) || l.Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Malformed_message_without_a_token_is_unauthenticated_and_logs_no_error()
    {
        using var raw = new RawHttp2(server.Address);
        var before = server.EmittedLogs.Count;

        var (status, _) = await raw.GrpcAsync("/exchange.v1.StatisticsService/ListIndicators", Garbage);

        Assert.Equal(16, status);
        Assert.DoesNotContain(server.EmittedLogs.Skip(before), l => l.StartsWith("Error", StringComparison.Ordinal) || l.Contains("   at ", StringComparison.Ordinal));
    }
}
