using Exchange.Client;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;

namespace Exchange.Web.People;

/// <summary>Where a person's session with the exchange stands.</summary>
public enum SessionStatus
{
    /// <summary>Not asked yet.</summary>
    NotStarted,
    /// <summary>Not logged in.</summary>
    Anonymous,
    /// <summary>Acting for an authority.</summary>
    Ready,
    /// <summary>Logged in, but a member of no authority: only the person reference is shown.</summary>
    NoMembership,
    /// <summary>The ID token is no longer accepted (expired): log in again.</summary>
    LoginExpired,
    /// <summary>The exchange could not be reached, or refused the web app itself.</summary>
    Unavailable,
}

/// <summary>
/// A person acting for an authority, for one circuit: the person's ID token (from the session cookie)
/// exchanged for a short-lived token of the authority, renewed 30 seconds before it expires, and an
/// <see cref="ExchangeClient"/> whose every call carries that token. Disposed with the circuit.
/// </summary>
public sealed partial class PersonSession(
    IPersonTokens tokens,
    AuthenticationStateProvider authentication,
    IOptions<ExchangeConnectionOptions> options,
    TimeProvider time,
    ILoggerFactory loggers) : IDisposable
{
    /// <summary>How long before its expiry a person token is renewed.</summary>
    public static readonly TimeSpan RenewalMargin = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly ILogger logger = loggers.CreateLogger<PersonSession>();
    private PersonToken? person;
    private ExchangeClient? client;
    private string? authorityId;
    private bool disposed;

    public SessionStatus Status { get; private set; } = SessionStatus.NotStarted;

    /// <summary>The person and the authority acted for, once <see cref="SessionStatus.Ready"/>.</summary>
    public PersonToken? Person => person;

    /// <summary>The person reference to give an administrator, when <see cref="SessionStatus.NoMembership"/>.</summary>
    public string? PersonReference { get; private set; }

    /// <summary>Raised (on any thread) when <see cref="Status"/> or <see cref="Person"/> changes.</summary>
    public event Action? Changed;

    public bool Has(string scope) => person?.Token.Scopes.Contains(scope) == true;

    /// <summary>The exchange, as this person for this authority. One per circuit.</summary>
    public ExchangeClient Client
    {
        get
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return client ??= ExchangeClient.Create(o =>
            {
                o.Address = options.Value.Address;
                o.AccessTokenSource = GetAccessTokenAsync;
                o.TimeProvider = time;
                o.LoggerFactory = loggers;
            });
        }
    }

    /// <summary>Exchanges the ID token once, so that the pages know the person, the authority and the roles.</summary>
    public async Task<SessionStatus> StartAsync(CancellationToken cancellationToken)
    {
        if (Status is SessionStatus.NotStarted or SessionStatus.Unavailable)
        {
            try
            {
                await GetAccessTokenAsync(cancellationToken);
            }
            catch (Exception e) when (e is ExchangeAuthenticationException or HttpRequestException or InvalidOperationException or IOException)
            {
                // Status says what went wrong; the page shows it.
            }
        }
        return Status;
    }

    /// <summary>
    /// Forgets the person token: the exchange answered UNAUTHENTICATED (the membership or its roles
    /// changed, which ends the tokens issued before). The next call exchanges the ID token again.
    /// </summary>
    public void Invalidate() => person = null;

    /// <summary>Acts for another authority the person is a member of.</summary>
    public async Task SwitchAuthorityAsync(string otherAuthorityId, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            authorityId = otherAuthorityId;
            person = null;
        }
        finally
        {
            gate.Release();
        }
        await StartAsync(cancellationToken);
    }

    /// <summary>The current person token's access token, exchanged anew when it is within 30 seconds of expiry.</summary>
    public async ValueTask<AccessToken> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        if (person is { } current && current.Token.ExpiresAt - RenewalMargin > time.GetUtcNow())
        {
            return current.Token;
        }
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (person is { } renewed && renewed.Token.ExpiresAt - RenewalMargin > time.GetUtcNow())
            {
                return renewed.Token;
            }
            var idToken = await IdTokenAsync();
            if (idToken is null)
            {
                Set(SessionStatus.Anonymous, null);
                throw new ExchangeAuthenticationException("invalid_grant", "Not logged in.");
            }
            try
            {
                var token = await tokens.ExchangeAsync(idToken, authorityId, cancellationToken);
                person = token;
                authorityId = token.AuthorityId;
                Set(SessionStatus.Ready, null);
                return token.Token;
            }
            catch (ExchangeAuthenticationException e) when (e.Error == "invalid_grant" && !string.IsNullOrEmpty(e.PersonReference))
            {
                Log.NoMembership(logger);
                person = null;
                Set(SessionStatus.NoMembership, e.PersonReference);
                throw;
            }
            catch (ExchangeAuthenticationException e) when (e.Error == "invalid_grant")
            {
                Log.LoginNotAccepted(logger);
                person = null;
                Set(SessionStatus.LoginExpired, null);
                throw;
            }
            catch (ExchangeAuthenticationException e)
            {
                Log.ExchangeRefusedWebApp(logger, e.Error);
                person = null;
                Set(SessionStatus.Unavailable, null);
                throw;
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or IOException)
            {
                Log.ExchangeUnreachable(logger, e.GetType().Name);
                person = null;
                Set(SessionStatus.Unavailable, null);
                throw;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<string?> IdTokenAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return state.User.Identity?.IsAuthenticated == true ? state.User.FindFirst(PeopleClaims.IdToken)?.Value : null;
    }

    private void Set(SessionStatus status, string? personReference)
    {
        var changed = Status != status || PersonReference != personReference;
        Status = status;
        PersonReference = personReference;
        if (changed || status == SessionStatus.Ready)
        {
            Changed?.Invoke();
        }
    }

    public void Dispose()
    {
        disposed = true;
        client?.Dispose();
        gate.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "A person without a membership logged in; the person reference is shown to them.")]
        public static partial void NoMembership(ILogger logger);

        [LoggerMessage(2, LogLevel.Information, "The exchange no longer accepts a person's ID token; the person must log in again.")]
        public static partial void LoginNotAccepted(ILogger logger);

        [LoggerMessage(3, LogLevel.Error, "The exchange refused the web app's own credential in a token exchange: {Error}.")]
        public static partial void ExchangeRefusedWebApp(ILogger logger, string error);

        [LoggerMessage(4, LogLevel.Warning, "The exchange's token endpoint could not be used: {ExceptionType}.")]
        public static partial void ExchangeUnreachable(ILogger logger, string exceptionType);
    }
}

/// <summary>Claims the web app keeps on the session cookie's principal.</summary>
public static class PeopleClaims
{
    /// <summary>The person's ID token, which the circuit exchanges for a token of the person's authority.</summary>
    public const string IdToken = "exchange_web_id_token";
}
