using Exchange.Client;
using Microsoft.Extensions.Options;

namespace Exchange.Web.People;

/// <summary>Exchanges a person's ID token for a token of an authority the person is a member of.</summary>
public interface IPersonTokens
{
    /// <exception cref="ExchangeAuthenticationException">The exchange refused (no membership: <c>invalid_grant</c> with a person reference).</exception>
    /// <exception cref="HttpRequestException">The exchange could not be reached.</exception>
    Task<PersonToken> ExchangeAsync(string idToken, string? authorityId, CancellationToken cancellationToken);
}

/// <summary>
/// The web app party's own credential (<c>Exchange:CredentialFile</c>), read at the first exchange so
/// that the app can start before the exchange's demo seed has written it.
/// </summary>
public sealed class ExchangePersonTokens : IPersonTokens, IDisposable
{
    private readonly Lazy<ExchangeTokenProvider> provider;

    public ExchangePersonTokens(IOptions<ExchangeConnectionOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        var settings = options.Value;
        // PublicationOnly: a missing credential file is not remembered; the next login tries again.
        provider = new Lazy<ExchangeTokenProvider>(() =>
        {
            var client = new ExchangeClientOptions { Address = settings.Address, TimeProvider = time, LoggerFactory = loggers };
            client.UseCredentialFile(settings.CredentialFile ?? throw new InvalidOperationException("Exchange:CredentialFile is not set: the web app party's credential file."));
            return new ExchangeTokenProvider(client);
        }, LazyThreadSafetyMode.PublicationOnly);
    }

    public Task<PersonToken> ExchangeAsync(string idToken, string? authorityId, CancellationToken cancellationToken) =>
        provider.Value.ExchangePersonTokenAsync(idToken, authorityId, cancellationToken);

    public void Dispose()
    {
        if (provider.IsValueCreated)
        {
            provider.Value.Dispose();
        }
    }
}
