using System.Diagnostics;
using System.Net;
using Exchange.V1;
using Grpc.Core;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Exchange.Client.Tests;

/// <summary>A refused token request: remembered for a growing while, surfaced with its cause, logged, traced and counted.</summary>
public sealed class TokenRefusalTests : IDisposable
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeTokenEndpoint endpoint = new();
    // Each test its own authority, so that listeners on the process-wide source and meter see only its own.
    private readonly string clientId = $"t-{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task A_refusal_is_remembered_for_a_growing_while_and_thrown_at_once_meanwhile()
    {
        endpoint.Refuse = ("invalid_client", "The key sundsvall-2026 was revoked.");
        using var provider = new ExchangeTokenProvider(Options(_ => { }));

        var first = await Assert.ThrowsAsync<ExchangeAuthenticationException>(async () => await provider.GetTokenAsync());
        for (var i = 0; i < 50; i++)
        {
            await Assert.ThrowsAsync<ExchangeAuthenticationException>(async () => await provider.GetTokenAsync());
        }
        Assert.Single(endpoint.Requests);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(2), first.NextAttemptAt);

        time.Advance(TimeSpan.FromSeconds(2));
        var second = await Assert.ThrowsAsync<ExchangeAuthenticationException>(async () => await provider.GetTokenAsync());
        Assert.Equal(2, endpoint.Requests.Count);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(4), second.NextAttemptAt); // doubled

        time.Advance(TimeSpan.FromSeconds(3));
        var remembered = await Assert.ThrowsAsync<ExchangeAuthenticationException>(async () => await provider.GetTokenAsync());
        Assert.Equal(2, endpoint.Requests.Count);
        Assert.Equal("invalid_client", remembered.Error);
        Assert.Contains("revoked", remembered.Message);

        // The operators restored the key: after the back-off the next request gets a token, and the next refusal starts short again.
        endpoint.Refuse = null;
        time.Advance(TimeSpan.FromSeconds(1));
        await provider.GetTokenAsync();
        Assert.Equal(3, endpoint.Requests.Count);
    }

    [Fact]
    public async Task The_back_off_stops_growing_at_its_maximum()
    {
        endpoint.Refuse = ("invalid_client", "unknown kid");
        using var provider = new ExchangeTokenProvider(Options(o => o.TokenRefusalMaxBackoff = TimeSpan.FromSeconds(5)));

        var waits = new List<TimeSpan>();
        for (var i = 0; i < 4; i++)
        {
            var refusal = await Assert.ThrowsAsync<ExchangeAuthenticationException>(async () => await provider.GetTokenAsync());
            waits.Add(refusal.NextAttemptAt!.Value - time.GetUtcNow());
            time.Advance(waits[^1]);
        }

        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)], waits);
    }

    [Fact]
    public async Task A_changed_credential_is_tried_at_once_despite_a_remembered_refusal()
    {
        endpoint.Refuse = ("invalid_client", "Invalid client credentials.");
        var options = Options(_ => { });
        using var provider = new ExchangeTokenProvider(options);
        await Assert.ThrowsAsync<ExchangeAuthenticationException>(async () => await provider.GetTokenAsync());

        endpoint.Refuse = null;
        options.ClientSecret = "the-new-secret";
        await provider.GetTokenAsync();

        Assert.Equal(2, endpoint.Requests.Count);
    }

    [Fact]
    public async Task Invalidate_forgets_a_remembered_refusal_and_dropping_the_token_does_not()
    {
        endpoint.Refuse = ("unauthorized_client", "The authority is disabled.");
        using var provider = new ExchangeTokenProvider(Options(_ => { }));
        await Assert.ThrowsAsync<ExchangeAuthenticationException>(async () => await provider.GetTokenAsync());

        // What the client does on UNAUTHENTICATED from the server: the refusal stays.
        provider.DropToken();
        await Assert.ThrowsAsync<ExchangeAuthenticationException>(async () => await provider.GetTokenAsync());
        Assert.Single(endpoint.Requests);

        // The operators enabled the authority again, and the application says so.
        endpoint.Refuse = null;
        provider.Invalidate();
        await provider.GetTokenAsync();
        Assert.Equal(2, endpoint.Requests.Count);
    }

    [Theory]
    [InlineData("invalid_client", HttpStatusCode.Unauthorized, StatusCode.Unauthenticated)]
    [InlineData("invalid_scope", HttpStatusCode.BadRequest, StatusCode.PermissionDenied)]
    [InlineData("unauthorized_client", HttpStatusCode.BadRequest, StatusCode.PermissionDenied)]
    public async Task A_call_without_a_token_fails_with_the_status_the_refusal_means_and_says_what_the_server_answered(string error, HttpStatusCode http, StatusCode expected)
    {
        endpoint.Refuse = (error, "the server's reason");
        endpoint.RefusalStatus = http;
        using var client = ExchangeClient.Create(Options(_ => { }));

        var failure = await Assert.ThrowsAsync<RpcException>(async () => await client.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest()));

        Assert.Equal(expected, failure.StatusCode);
        Assert.Contains(error, failure.Status.Detail);
        Assert.Contains("the server's reason", failure.Status.Detail);
        Assert.DoesNotContain("s3cret", failure.Status.Detail);
        Assert.Equal(error, failure.GetTokenRefusal()?.Error);
    }

    [Fact]
    public async Task Token_requests_are_logged_traced_and_counted_by_outcome()
    {
        using var logs = new FakeLoggerProvider();
        using var loggers = new LoggerFactory([logs]);
        using var counted = new MetricCollector<long>(null, ExchangeClientDiagnostics.MeterName, ExchangeClientDiagnostics.TokenRequestsCounter);
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ExchangeClientDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Equals(activity.GetTagItem("exchange.client_id"), clientId))
                {
                    lock (spans)
                    {
                        spans.Add(activity);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var provider = new ExchangeTokenProvider(Options(o => o.LoggerFactory = loggers));

        await provider.GetTokenAsync();
        time.Advance(TimeSpan.FromMinutes(15));
        await provider.GetTokenAsync();
        provider.Invalidate();
        endpoint.Refuse = ("invalid_client", "The key was revoked.");
        await Assert.ThrowsAsync<ExchangeAuthenticationException>(async () => await provider.GetTokenAsync());

        var events = logs.Collector.GetSnapshot().Where(r => r.Category == ExchangeClientDiagnostics.LogCategory).ToList();
        Assert.Equal(["TokenAcquired", "TokenRenewed", "TokenRefused"], events.Select(e => e.Id.Name));
        Assert.Equal(LogLevel.Warning, events[2].Level);
        Assert.Contains("invalid_client", events[2].Message);
        Assert.All(events, e => Assert.DoesNotContain("s3cret", e.Message));
        Assert.All(events, e => Assert.DoesNotContain("token-1", e.Message));

        Assert.Equal(["issued", "issued", "refused"], spans.Select(s => s.GetTagItem("exchange.token.outcome")));
        Assert.All(spans, s => Assert.Equal(ExchangeClientDiagnostics.TokenActivityName, s.OperationName));
        Assert.Equal(ActivityStatusCode.Error, spans[2].Status);

        var measurements = counted.GetMeasurementSnapshot().Where(m => Equals(m.Tags["exchange.client_id"], clientId)).ToList();
        Assert.Equal(2, measurements.Where(m => Equals(m.Tags["outcome"], "issued")).Sum(m => m.Value));
        Assert.Equal(1, measurements.Where(m => Equals(m.Tags["outcome"], "refused")).Sum(m => m.Value));
    }

    private ExchangeClientOptions Options(Action<ExchangeClientOptions> configure)
    {
        var options = new ExchangeClientOptions
        {
            Address = new Uri("http://127.0.0.1:5080"),
            ClientId = clientId,
            ClientSecret = "s3cret",
            CreateHttpHandler = () => endpoint,
            TimeProvider = time,
        };
        configure(options);
        return options;
    }

    public void Dispose() => endpoint.Dispose();
}
