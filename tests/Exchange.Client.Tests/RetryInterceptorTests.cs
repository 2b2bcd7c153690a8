using Exchange.Client.Internal;
using Exchange.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;

namespace Exchange.Client.Tests;

public class RetryInterceptorTests
{
    private readonly FakeLogger logger = new();

    [Fact]
    public async Task Idempotent_call_is_retried_while_unavailable_until_it_succeeds()
    {
        var options = Options(o => o.ClientId = $"retry-{Guid.NewGuid():N}");
        using var retries = new MetricCollector<long>(null, ExchangeClientDiagnostics.MeterName, ExchangeClientDiagnostics.RetriesCounter);
        var server = new Server(failures: 5);

        var response = await new RetryInterceptor(options, logger).AsyncUnaryCall(new GetAuthorityRequest(), Context(GetAuthority, Deadline(30)), server.Continuation);

        Assert.Equal("kramfors-kommun", response.Id);
        // Five failures: more than gRPC's channel retries (at most 5 attempts) would have allowed.
        Assert.Equal(6, server.Attempts);
        var logged = logger.Collector.GetSnapshot().Where(r => r.Id.Name == "Retrying").ToList();
        Assert.Equal(5, logged.Count);
        Assert.Contains("attempt 2", logged[0].Message);
        Assert.Contains("exchange.v1.AdminService/GetAuthority", logged[0].Message);
        Assert.Equal(5, retries.GetMeasurementSnapshot().Where(m => Equals(m.Tags[Telemetry.ClientIdTag], options.ClientId)).Sum(m => m.Value));
    }

    [Fact]
    public async Task A_retry_that_could_not_start_before_the_deadline_is_not_made()
    {
        var options = Options(o => o.RetryInitialBackoff = o.RetryMaxBackoff = TimeSpan.FromMinutes(1));
        var server = new Server(failures: 1);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await new RetryInterceptor(options, logger).AsyncUnaryCall(new GetAuthorityRequest(), Context(GetAuthority, Deadline(30)), server.Continuation));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(1, server.Attempts);
    }

    [Fact]
    public async Task Calls_that_are_not_idempotent_and_other_failures_are_attempted_once()
    {
        var options = Options(_ => { });
        var create = new Server(failures: 1);
        var refused = new Server(failures: 1, StatusCode.InvalidArgument);

        await Assert.ThrowsAsync<RpcException>(async () =>
            await new RetryInterceptor(options, logger).AsyncUnaryCall(new GetAuthorityRequest(), Context(CreateAuthority, Deadline(30)), create.Continuation));
        await Assert.ThrowsAsync<RpcException>(async () =>
            await new RetryInterceptor(options, logger).AsyncUnaryCall(new GetAuthorityRequest(), Context(GetAuthority, Deadline(30)), refused.Continuation));

        Assert.Equal(1, create.Attempts);
        Assert.Equal(1, refused.Attempts);
    }

    [Fact]
    public void Blocking_calls_are_retried_and_max_attempts_limits_them()
    {
        var options = Options(o => o.MaxAttempts = 3);
        var server = new Server(failures: 10);

        var error = Assert.Throws<RpcException>(() =>
            new RetryInterceptor(options, logger).BlockingUnaryCall(new GetAuthorityRequest(), Context(GetAuthority, Deadline(30)), (r, c) => server.Continuation(r, c).ResponseAsync.GetAwaiter().GetResult()));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(3, server.Attempts);
    }

    [Theory]
    [InlineData(0.5, new[] { 250, 500, 1000, 2000, 2000 })]
    [InlineData(0.0, new[] { 200, 400, 800, 1600, 1600 })]
    [InlineData(1.0, new[] { 300, 600, 1200, 2400, 2400 })]
    public void Backoff_grows_by_the_multiplier_up_to_the_maximum_with_jitter_either_way(double random, int[] milliseconds)
    {
        var interceptor = new RetryInterceptor(new ExchangeClientOptions(), logger, () => random);

        Assert.Equal(milliseconds, Enumerable.Range(1, 5).Select(a => (int)Math.Round(interceptor.Backoff(a).TotalMilliseconds)));
    }

    private static ExchangeClientOptions Options(Action<ExchangeClientOptions> configure)
    {
        // No waiting between attempts: the tests count attempts, not time.
        var options = new ExchangeClientOptions { ClientId = "kramfors-kommun", RetryInitialBackoff = TimeSpan.Zero, RetryMaxBackoff = TimeSpan.Zero };
        configure(options);
        return options;
    }

    private static DateTime Deadline(int seconds) => DateTime.UtcNow.AddSeconds(seconds);

    private static readonly Method<GetAuthorityRequest, Authority> GetAuthority = new(MethodType.Unary, "exchange.v1.AdminService", "GetAuthority",
        Marshallers.Create<GetAuthorityRequest>(_ => [], _ => null!), Marshallers.Create<Authority>(_ => [], _ => null!));

    private static readonly Method<GetAuthorityRequest, Authority> CreateAuthority = new(MethodType.Unary, "exchange.v1.AdminService", "CreateAuthority",
        Marshallers.Create<GetAuthorityRequest>(_ => [], _ => null!), Marshallers.Create<Authority>(_ => [], _ => null!));

    private static ClientInterceptorContext<GetAuthorityRequest, Authority> Context(Method<GetAuthorityRequest, Authority> method, DateTime deadline) =>
        new(method, null, new CallOptions(deadline: deadline));

    /// <summary>Fails the first <paramref name="failures"/> attempts with <paramref name="code"/>, then answers.</summary>
    private sealed class Server(int failures, StatusCode code = StatusCode.Unavailable)
    {
        public int Attempts { get; private set; }

        public AsyncUnaryCall<Authority> Continuation(GetAuthorityRequest request, ClientInterceptorContext<GetAuthorityRequest, Authority> context)
        {
            var status = ++Attempts <= failures ? new Status(code, "restarting") : Status.DefaultSuccess;
            var response = status.StatusCode == StatusCode.OK
                ? Task.FromResult(new Authority { Id = "kramfors-kommun" })
                : Task.FromException<Authority>(new RpcException(status));
            return new AsyncUnaryCall<Authority>(response, Task.FromResult(new Metadata()), () => status, () => [], () => { });
        }
    }
}
