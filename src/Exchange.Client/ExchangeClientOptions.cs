using Exchange.Contracts;

namespace Exchange.Client;

/// <summary>
/// How an authority's system reaches Exchange: the server address, the authority's credential and the
/// call defaults. Set either <see cref="PrivateKeyPem"/> (private_key_jwt, the production default) or
/// <see cref="ClientSecret"/>; when both are set the key is used.
/// </summary>
public sealed class ExchangeClientOptions
{
    /// <summary>
    /// The server's address, e.g. <c>https://exchange.example.se</c>. Cleartext <c>http</c> is accepted
    /// only for a loopback address (a development server, e.g. <c>http://127.0.0.1:5080</c>).
    /// </summary>
    public Uri? Address { get; set; }

    /// <summary>The authority id the operators registered, which is the OAuth 2.0 client id.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>A client secret issued by <c>exchange-admin credential add-secret</c>.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// The authority's private key in PEM (RSA or EC, PKCS#8 or PKCS#1), whose public half is registered
    /// with <c>exchange-admin credential add-key</c>. It never leaves this process: only assertions
    /// signed with it are sent.
    /// </summary>
    public string? PrivateKeyPem { get; set; }

    /// <summary>The key id ("kid") under which the public key was registered.</summary>
    public string? KeyId { get; set; }

    /// <summary>
    /// The scopes to request, e.g. <c>statistics.report</c>. Empty (the default) requests every scope
    /// the authority currently holds a grant for.
    /// </summary>
    public IList<string> Scopes => scopes;

    private List<string> scopes = [];

    /// <summary>The token endpoint; defaults to <c>/connect/token</c> on <see cref="Address"/>.</summary>
    public Uri? TokenEndpoint { get; set; }

    /// <summary>The token server's issuer URL, the audience of client assertions; defaults to <see cref="Address"/> with a trailing slash.</summary>
    public Uri? Issuer { get; set; }

    /// <summary>The deadline of a unary call that sets none. Default 30 seconds. Streaming calls get none by default.</summary>
    public TimeSpan DefaultDeadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times in all an idempotent call is attempted when the server is unavailable (at least 1,
    /// at most 5). Default 4. Calls that are not idempotent are never retried.
    /// </summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>A token is renewed this long before it expires (or at half its lifetime if that is shorter). Default 60 seconds.</summary>
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Creates the HTTP handler for both the token endpoint and gRPC, e.g. to trust a private
    /// certificate authority. Default: a <see cref="SocketsHttpHandler"/> with HTTP/2 keep-alive pings.
    /// </summary>
    public Func<HttpMessageHandler>? CreateHttpHandler { get; set; }

    /// <summary>
    /// The clock that decides when a cached token is renewed and what time client assertions state;
    /// for tests that move time on. Call deadlines are not taken from it: gRPC measures them against
    /// the system clock.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Takes the address and credential from a credential file written by the server (the operator's
    /// on first start, the demo authorities' in Development) or by an operator.
    /// </summary>
    public ExchangeClientOptions UseCredentialFile(string path)
    {
        var file = CredentialFile.Load(path);
        ClientId = file.ClientId;
        ClientSecret = file.ClientSecret;
        PrivateKeyPem = file.PrivateKeyPem;
        KeyId = file.KeyId;
        if (Address is null && !string.IsNullOrEmpty(file.Server))
        {
            Address = new Uri(file.Server);
        }
        return this;
    }

    /// <summary>A copy of these options that asks for exactly <paramref name="requested"/>.</summary>
    internal ExchangeClientOptions WithScopes(IEnumerable<string> requested)
    {
        var copy = (ExchangeClientOptions)MemberwiseClone();
        copy.scopes = [.. requested];
        return copy;
    }

    internal void Validate()
    {
        if (Address is null || !Address.IsAbsoluteUri || (Address.Scheme != Uri.UriSchemeHttps && Address.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("ExchangeClientOptions.Address must be an absolute http(s) URL.");
        }
        // A token or secret sent in cleartext is readable by anyone on the path; only loopback is safe.
        foreach (var uri in new[] { Address, TokenEndpoint })
        {
            if (uri is not null && uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
            {
                throw new ArgumentException($"ExchangeClientOptions: {uri} is cleartext HTTP; use https (http only for a server on this machine).");
            }
        }
        if (string.IsNullOrWhiteSpace(ClientId))
        {
            throw new ArgumentException("ExchangeClientOptions.ClientId is required: the authority id.");
        }
        if (string.IsNullOrEmpty(PrivateKeyPem) && string.IsNullOrEmpty(ClientSecret))
        {
            throw new ArgumentException("Set ExchangeClientOptions.PrivateKeyPem (with KeyId) or ClientSecret.");
        }
        if (!string.IsNullOrEmpty(PrivateKeyPem) && string.IsNullOrEmpty(KeyId))
        {
            throw new ArgumentException("ExchangeClientOptions.KeyId is required with PrivateKeyPem: the kid the public key was registered under.");
        }
        if (MaxAttempts is < 1 or > 5)
        {
            throw new ArgumentException("ExchangeClientOptions.MaxAttempts must be 1 to 5.");
        }
    }
}
