using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace Exchange.Client.Internal;

/// <summary>
/// Retries idempotent unary calls (<see cref="RetryPolicies.IsIdempotent"/>) that failed with UNAVAILABLE,
/// after a growing, jittered wait, for as long as the call's deadline leaves time for another attempt
/// (and at most <see cref="ExchangeClientOptions.MaxAttempts"/>): a server restart of a few seconds is
/// ridden out instead of failing calls whose deadline would have allowed waiting. Done here rather than
/// by gRPC's channel retry policy, which caps attempts at five and can neither log nor count them.
/// Waits are measured on the system clock, as deadlines are.
/// </summary>
internal sealed class RetryInterceptor(ExchangeClientOptions options, ILogger logger, Func<double>? random = null) : Interceptor
{
    private readonly Func<double> random = random ?? Random.Shared.NextDouble;

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        if (!RetryPolicies.IsIdempotent(context.Method) || options.MaxAttempts <= 1)
        {
            return continuation(request, context);
        }
        var attempt = new CurrentAttempt<TResponse>(continuation(request, context));
        var response = RetryAsync(request, context, continuation, attempt);
        return new AsyncUnaryCall<TResponse>(response, HeadersAsync(response, attempt), () => attempt.Call.GetStatus(), () => attempt.Call.GetTrailers(), () => attempt.Call.Dispose());
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return continuation(request, context);
            }
            catch (RpcException e) when (RetryPolicies.IsIdempotent(context.Method) && ShouldRetry(e, attempt, context.Options, context.Method.FullName, out var delay))
            {
                if (context.Options.CancellationToken.WaitHandle.WaitOne(delay))
                {
                    throw Cancelled(e);
                }
            }
        }
    }

    private sealed class CurrentAttempt<TResponse>(AsyncUnaryCall<TResponse> call)
    {
        public AsyncUnaryCall<TResponse> Call { get; set; } = call;
    }

    private async Task<TResponse> RetryAsync<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation, CurrentAttempt<TResponse> current)
        where TRequest : class
        where TResponse : class
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await current.Call.ResponseAsync.ConfigureAwait(false);
            }
            catch (RpcException e) when (ShouldRetry(e, attempt, context.Options, context.Method.FullName, out var delay))
            {
                try
                {
                    await Task.Delay(delay, context.Options.CancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    throw Cancelled(e);
                }
                current.Call.Dispose();
                current.Call = continuation(request, context);
            }
        }
    }

    /// <summary>The last attempt's headers: those of a failed attempt describe a call that is no more.</summary>
    private static async Task<Metadata> HeadersAsync<TResponse>(Task<TResponse> response, CurrentAttempt<TResponse> current)
    {
        try
        {
            await response.ConfigureAwait(false);
        }
        catch (RpcException)
        {
            // The headers of the attempt that failed last are still what the caller may read.
        }
        return await current.Call.ResponseHeadersAsync.ConfigureAwait(false);
    }

    private static RpcException Cancelled(RpcException last) =>
        new(new Status(StatusCode.Cancelled, $"Cancelled while waiting to retry after: {last.Status.Detail}", last));

    private bool ShouldRetry(RpcException e, int attempt, CallOptions call, string method, out TimeSpan delay)
    {
        delay = Backoff(attempt);
        if (e.StatusCode != StatusCode.Unavailable || attempt >= options.MaxAttempts || call.CancellationToken.IsCancellationRequested)
        {
            return false;
        }
        // Another attempt only if it would start before the deadline: after it, it could only fail.
        if (call.Deadline is { } deadline && deadline != DateTime.MaxValue && DateTime.UtcNow + delay >= deadline.ToUniversalTime())
        {
            return false;
        }
        Telemetry.Retries.Add(1,
            new KeyValuePair<string, object?>(Telemetry.ClientIdTag, options.ClientId),
            new KeyValuePair<string, object?>("rpc.method", method),
            new KeyValuePair<string, object?>("rpc.grpc.status_code", (int)e.StatusCode));
        Log.Retrying(logger, method, options.ClientId, attempt + 1, delay, e.StatusCode, e.Status.Detail);
        return true;
    }

    /// <summary>The wait after failed attempt <paramref name="attempt"/> (from 1): growing by the multiplier up to the maximum, then jittered.</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var grown = options.RetryInitialBackoff.TotalMilliseconds * Math.Pow(options.RetryBackoffMultiplier, Math.Min(attempt - 1, 64));
        var capped = Math.Min(grown, options.RetryMaxBackoff.TotalMilliseconds);
        var jittered = capped * (1 + (options.RetryJitter * ((2 * random()) - 1)));
        return TimeSpan.FromMilliseconds(Math.Max(0, jittered));
    }
}
