using Grpc.Core;

namespace Exchange.Client.Internal;

/// <summary>Which failed submissions may succeed when sent again, and how long to wait before that.</summary>
internal static class TransientFailures
{
    private static readonly TimeSpan InitialBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The server was unreachable, overloaded, slow or interrupted, not refusing the content. INTERNAL
    /// counts only when the client saw the HTTP/2 stream break (an I/O error behind it): from the server
    /// it means a fault that sending the same cells again would meet again.
    /// </summary>
    public static bool IsTransient(RpcException e) => e.StatusCode switch
    {
        StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Aborted => true,
        StatusCode.Internal => HasIOException(e.Status.DebugException),
        _ => false,
    };

    /// <summary>The wait after failed attempt <paramref name="attempt"/> (from 1): 200 ms, doubling, at most 5 s.</summary>
    public static TimeSpan Backoff(int attempt)
    {
        var backoff = InitialBackoff * Math.Pow(2, attempt - 1);
        return backoff < MaxBackoff ? backoff : MaxBackoff;
    }

    // HttpProtocolException (a stream reset) is an IOException, as is a connection lost mid-call.
    private static bool HasIOException(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is IOException)
            {
                return true;
            }
        }
        return false;
    }
}
