using Exchange.Contracts;
using Microsoft.Extensions.Logging;

namespace Exchange.Client;

/// <summary>
/// How an authority's system reaches Exchange: the server address, the authority's credential and the
/// call defaults. The credential is one key — <see cref="PrivateKeyPath"/>, <see cref="PrivateKeyPem"/> or
/// <see cref="SignAsync"/> (private_key_jwt, the production default), each with <see cref="KeyId"/> — or
/// a <see cref="ClientSecret"/>; when a key and a secret are both set the key is used.
/// </summary>
/// <remarks>
/// Bound from configuration by <c>services.AddExchangeClient(name, configuration.GetSection(...))</c>:
/// every setting but the delegates, <see cref="TimeProvider"/> and <see cref="LoggerFactory"/> has a
/// configuration key of the same name, e.g. <c>Address</c>, <c>ClientId</c>, <c>PrivateKeyPath</c>,
/// <c>KeyId</c>, <c>Scopes</c> (an array) and <c>RetryMaxBackoff</c> (<c>"00:00:02"</c>).
/// </remarks>
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

    /// <summary>
    /// A file holding the authority's private key in PEM (RSA or EC), e.g. a mounted secret. It is read on
    /// every token request (a few times an hour), so a rotated key (with its new <see cref="KeyId"/>) is
    /// used from the next token request on, without restarting the application.
    /// </summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>
    /// Signs client assertions where the private key cannot be read, e.g. in an HSM or a key vault: given
    /// the JWS signing input (the ASCII bytes of <c>header.payload</c>), returns the signature as JWS
    /// defines it for <see cref="SigningAlgorithm"/> (for ES256, the 64 bytes R‖S rather than DER). The
    /// assertion's header names <see cref="SigningAlgorithm"/> and <see cref="KeyId"/>.
    /// </summary>
    public Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask<byte[]>>? SignAsync { get; set; }

    /// <summary>The JWS algorithm <see cref="SignAsync"/> signs with: <c>RS256</c>, <c>PS256</c>, <c>ES256</c>, <c>ES384</c> or <c>ES512</c>.</summary>
    public string? SigningAlgorithm { get; set; }

    /// <summary>
    /// The key id ("kid") under which the public key was registered. Read on every token request, so when
    /// options are bound to configuration that reloads, a new kid takes effect with the next token.
    /// </summary>
    public string? KeyId { get; set; }

    /// <summary>
    /// The scopes to request, e.g. <c>statistics.report</c>. Empty (the default) requests every scope
    /// the authority currently holds a grant for.
    /// </summary>
    public IList<string> Scopes => scopes;

    private List<string> scopes = [];

    /// <summary>
    /// Where each call's access token comes from instead of this client's own credential: for a web
    /// app calling for a logged-in person with a <see cref="PersonToken"/> it keeps per person
    /// (<see cref="ExchangeTokenProvider.ExchangePersonTokenAsync"/>). When set, <see cref="ClientId"/>
    /// and the credential settings are not needed. Not bound from configuration.
    /// </summary>
    public Func<CancellationToken, ValueTask<AccessToken>>? AccessTokenSource { get; set; }

    /// <summary>The token endpoint; defaults to <c>/connect/token</c> on <see cref="Address"/>.</summary>
    public Uri? TokenEndpoint { get; set; }

    /// <summary>The token server's issuer URL, the audience of client assertions; defaults to <see cref="Address"/> with a trailing slash.</summary>
    public Uri? Issuer { get; set; }

    /// <summary>The deadline of a unary call that sets none. Default 30 seconds. Streaming calls get none by default.</summary>
    public TimeSpan DefaultDeadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times in all an idempotent unary call (a read, or a write carrying a <c>request_id</c>) is
    /// attempted while the server is unavailable, at least 1 (1 turns retries off). Default: no limit — it
    /// is retried as long as its deadline leaves time for another attempt, so a call rides out a server
    /// restart within its deadline. Calls that are not idempotent are never retried.
    /// </summary>
    public int MaxAttempts { get; set; } = int.MaxValue;

    /// <summary>The wait before the first retry of an idempotent call. Default 250 ms.</summary>
    public TimeSpan RetryInitialBackoff { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The longest wait between two attempts. Default 2 seconds: a restarted server is found within about
    /// that long after it listens again.
    /// </summary>
    public TimeSpan RetryMaxBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Each wait is the previous one times this, at least 1. Default 2.</summary>
    public double RetryBackoffMultiplier { get; set; } = 2;

    /// <summary>
    /// How much each wait varies at random, as a fraction of it (0 to 1): 0.2 makes a 1 s wait last 0.8 to
    /// 1.2 s, so that many clients of a restarted server do not all come back at the same moment. Default 0.2.
    /// </summary>
    public double RetryJitter { get; set; } = 0.2;

    /// <summary>
    /// When true, calls that do not say otherwise wait (within their deadline) for the server to become
    /// reachable instead of failing with UNAVAILABLE at once: gRPC's wait-for-ready. Default false. It
    /// works with the default HTTP handler (a <see cref="SocketsHttpHandler"/>), on which the channel
    /// tracks the connection.
    /// </summary>
    public bool WaitForReady { get; set; }

    /// <summary>
    /// After the token endpoint refuses (e.g. a revoked key), calls fail at once with that refusal for this
    /// long before a token is asked for again; the wait doubles with each refusal in a row, up to
    /// <see cref="TokenRefusalMaxBackoff"/>. A changed credential (key file, kid) is tried at once. Default 2 seconds.
    /// </summary>
    public TimeSpan TokenRefusalBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait after repeated token refusals. Default 1 minute.</summary>
    public TimeSpan TokenRefusalMaxBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Where the client logs (category <c>Exchange.Client</c>): tokens acquired, renewed and refused, and
    /// retries. Set by <c>AddExchangeClient</c> from dependency injection; null logs nothing.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>A token is renewed this long before it expires (or at half its lifetime if that is shorter). Default 60 seconds.</summary>
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Creates the HTTP handler for both the token endpoint and gRPC, e.g. to trust a private
    /// certificate authority. Default: a <see cref="SocketsHttpHandler"/> with HTTP/2 keep-alive pings.
    /// </summary>
    public Func<HttpMessageHandler>? CreateHttpHandler { get; set; }

    /// <summary>
    /// The clock that decides when a cached token is renewed, how long a token refusal is remembered and
    /// what time client assertions state; for tests that move time on. Call deadlines are not taken from
    /// it, as gRPC measures them against the system clock; nor are the waits between retries, which are
    /// weighed against the deadline.
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

    /// <summary>A copy, with a list of scopes of its own.</summary>
    internal ExchangeClientOptions Clone() => WithScopes(scopes);

    /// <summary>A copy of these options that asks for exactly <paramref name="requested"/>.</summary>
    internal ExchangeClientOptions WithScopes(IEnumerable<string> requested)
    {
        var copy = (ExchangeClientOptions)MemberwiseClone();
        copy.scopes = [.. requested];
        return copy;
    }

    /// <summary>Whether a key (of any kind) signs client assertions.</summary>
    internal bool HasKey => SignAsync is not null || !string.IsNullOrEmpty(PrivateKeyPath) || !string.IsNullOrEmpty(PrivateKeyPem);

    internal void Validate()
    {
        if (Problems().FirstOrDefault() is { } problem)
        {
            throw new ArgumentException(problem);
        }
    }

    /// <summary>What is missing or wrong, each saying which setting; nothing for usable options. Never quotes a secret.</summary>
    internal IEnumerable<string> Problems()
    {
        if (Address is null || !Address.IsAbsoluteUri || (Address.Scheme != Uri.UriSchemeHttps && Address.Scheme != Uri.UriSchemeHttp))
        {
            yield return "ExchangeClientOptions.Address is required: the server's absolute http(s) URL, e.g. https://exchange.example.se.";
        }
        // A token or secret sent in cleartext is readable by anyone on the path; only loopback is safe.
        foreach (var uri in new[] { Address, TokenEndpoint })
        {
            if (uri is { IsAbsoluteUri: true } && uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
            {
                yield return $"ExchangeClientOptions: {uri} is cleartext HTTP; use https (http only for a server on this machine).";
            }
        }
        if (AccessTokenSource is not null)
        {
            yield break;
        }
        if (string.IsNullOrWhiteSpace(ClientId))
        {
            yield return "ExchangeClientOptions.ClientId is required: the authority id.";
        }
        var keys = new[] { !string.IsNullOrEmpty(PrivateKeyPem), !string.IsNullOrEmpty(PrivateKeyPath), SignAsync is not null }.Count(set => set);
        if (keys == 0 && string.IsNullOrEmpty(ClientSecret))
        {
            yield return "ExchangeClientOptions has no credential: set PrivateKeyPath, PrivateKeyPem or SignAsync (each with KeyId), or ClientSecret.";
        }
        if (keys > 1)
        {
            yield return "ExchangeClientOptions: set only one of PrivateKeyPath, PrivateKeyPem and SignAsync.";
        }
        if (!string.IsNullOrEmpty(PrivateKeyPath) && !File.Exists(PrivateKeyPath))
        {
            yield return $"ExchangeClientOptions.PrivateKeyPath: there is no file {PrivateKeyPath} (the private key in PEM).";
        }
        if (keys > 0 && string.IsNullOrEmpty(KeyId))
        {
            yield return "ExchangeClientOptions.KeyId is required with a private key (PrivateKeyPath, PrivateKeyPem or SignAsync): the kid the public key was registered under.";
        }
        if (SignAsync is not null && SigningAlgorithm is not ("RS256" or "PS256" or "ES256" or "ES384" or "ES512"))
        {
            yield return "ExchangeClientOptions.SigningAlgorithm is required with SignAsync: RS256, PS256, ES256, ES384 or ES512.";
        }
        if (MaxAttempts < 1)
        {
            yield return "ExchangeClientOptions.MaxAttempts must be at least 1 (1 turns retries off).";
        }
        if (RetryInitialBackoff < TimeSpan.Zero || RetryMaxBackoff < RetryInitialBackoff)
        {
            yield return "ExchangeClientOptions.RetryInitialBackoff must be at least zero and RetryMaxBackoff at least as long.";
        }
        if (!(RetryBackoffMultiplier >= 1))
        {
            yield return "ExchangeClientOptions.RetryBackoffMultiplier must be at least 1.";
        }
        if (RetryJitter is not (>= 0 and <= 1))
        {
            yield return "ExchangeClientOptions.RetryJitter must be 0 to 1.";
        }
        if (TokenRefusalBackoff < TimeSpan.Zero || TokenRefusalMaxBackoff < TokenRefusalBackoff)
        {
            yield return "ExchangeClientOptions.TokenRefusalBackoff must be at least zero and TokenRefusalMaxBackoff at least as long.";
        }
        if (DefaultDeadline <= TimeSpan.Zero)
        {
            yield return "ExchangeClientOptions.DefaultDeadline must be positive.";
        }
    }
}
