using System.Security.Claims;
using Exchange.Client;
using Exchange.Web.People;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Exchange.Web.Tests;

public sealed class PersonSessionTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 10, 8, 0, 0, TimeSpan.Zero));

    private sealed class LoggedIn(string? idToken) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync()
        {
            var identity = idToken is null ? new ClaimsIdentity() : new ClaimsIdentity([new Claim(PeopleClaims.IdToken, idToken)], "test");
            return Task.FromResult(new AuthenticationState(new ClaimsPrincipal(identity)));
        }
    }

    private sealed class FakeTokens(Func<int, PersonToken> issue) : IPersonTokens
    {
        public int Calls { get; private set; }
        public string? LastIdToken { get; private set; }

        public Task<PersonToken> ExchangeAsync(string idToken, string? authorityId, CancellationToken cancellationToken)
        {
            LastIdToken = idToken;
            return Task.FromResult(issue(++Calls));
        }
    }

    private PersonToken Token(int n) => new(
        new AccessToken($"token-{n}", time.GetUtcNow() + TimeSpan.FromMinutes(5), ["referrals.receive"]),
        "kramfors-kommun", "Kramfors kommun", "m-1", "Karin Berg", ["case-worker"], []);

    private PersonSession Session(IPersonTokens tokens, string? idToken = "id-token") =>
        new(tokens, new LoggedIn(idToken), Options.Create(new ExchangeConnectionOptions()), time, NullLoggerFactory.Instance);

    [Fact]
    public async Task The_person_token_is_kept_until_thirty_seconds_before_it_expires()
    {
        var tokens = new FakeTokens(Token);
        using var session = Session(tokens);

        Assert.Equal(SessionStatus.Ready, await session.StartAsync(CancellationToken.None));
        Assert.Equal("id-token", tokens.LastIdToken);
        Assert.True(session.Has("referrals.receive"));
        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal("token-1", (await session.GetAccessTokenAsync(CancellationToken.None)).Value);
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal("token-2", (await session.GetAccessTokenAsync(CancellationToken.None)).Value);
    }

    [Fact]
    public async Task A_person_without_membership_gets_only_the_person_reference()
    {
        var tokens = new FakeTokens(_ => throw new ExchangeAuthenticationException("invalid_grant", "no membership") { PersonReference = "ABCDEFGHIJKLMNOPQRST" });
        using var session = Session(tokens);

        Assert.Equal(SessionStatus.NoMembership, await session.StartAsync(CancellationToken.None));
        Assert.Equal("ABCDEFGHIJKLMNOPQRST", session.PersonReference);
        Assert.Null(session.Person);
    }

    [Fact]
    public async Task An_id_token_the_exchange_no_longer_accepts_means_logging_in_again()
    {
        var tokens = new FakeTokens(_ => throw new ExchangeAuthenticationException("invalid_grant", "expired"));
        using var session = Session(tokens);

        Assert.Equal(SessionStatus.LoginExpired, await session.StartAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_unreachable_exchange_is_told_apart_from_a_refusal()
    {
        var tokens = new FakeTokens(_ => throw new HttpRequestException("down"));
        using var session = Session(tokens);

        Assert.Equal(SessionStatus.Unavailable, await session.StartAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Without_a_login_nothing_is_exchanged()
    {
        var tokens = new FakeTokens(Token);
        using var session = Session(tokens, idToken: null);

        Assert.Equal(SessionStatus.Anonymous, await session.StartAsync(CancellationToken.None));
        Assert.Equal(0, tokens.Calls);
    }
}
