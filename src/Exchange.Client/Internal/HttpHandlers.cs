namespace Exchange.Client.Internal;

internal static class HttpHandlers
{
    public static HttpMessageHandler CreateDefault() => new SocketsHttpHandler
    {
        EnableMultipleHttp2Connections = true,
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
    };
}

/// <summary>
/// Sends token requests over HTTP/2: a cleartext development server speaks only HTTP/2 with prior
/// knowledge, and over TLS HTTP/2 is negotiated and HTTP/1.1 remains the fallback.
/// </summary>
internal sealed class Http2RequestHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Version = System.Net.HttpVersion.Version20;
        request.VersionPolicy = request.RequestUri?.Scheme == Uri.UriSchemeHttp
            ? HttpVersionPolicy.RequestVersionExact
            : HttpVersionPolicy.RequestVersionOrLower;
        return base.SendAsync(request, cancellationToken);
    }
}
