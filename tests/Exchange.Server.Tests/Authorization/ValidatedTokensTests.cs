using System.Security.Claims;
using Exchange.Server.Authorization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;

namespace Exchange.Server.Tests.Authorization;

public class ValidatedTokensTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider time = new(Now);

    private static AuthenticationTicket Ticket(DateTimeOffset? expires)
    {
        var identity = new ClaimsIdentity("test");
        identity.SetClaim(OpenIddictConstants.Claims.Subject, "kramfors-kommun");
        if (expires is { } at)
        {
            identity.SetExpirationDate(at);
        }
        return new AuthenticationTicket(new ClaimsPrincipal(identity), "test");
    }

    [Fact]
    public void A_validated_token_is_known_until_it_expires_and_not_after()
    {
        var tokens = new ValidatedTokens(time);
        tokens.Add("token-a", Ticket(Now.AddMinutes(15)));

        Assert.Equal("kramfors-kommun", tokens.Find("token-a")?.Principal.GetClaim(OpenIddictConstants.Claims.Subject));
        Assert.Null(tokens.Find("token-b"));
        time.Advance(TimeSpan.FromMinutes(15));
        Assert.Null(tokens.Find("token-a"));
    }

    [Fact]
    public void When_full_the_cache_starts_over_rather_than_grow_without_bound()
    {
        var tokens = new ValidatedTokens(time);
        var ticket = Ticket(Now.AddMinutes(15));
        for (var i = 0; i < ValidatedTokens.MaxEntries; i++)
        {
            tokens.Add($"token-{i}", ticket);
        }
        Assert.NotNull(tokens.Find("token-0"));

        tokens.Add("one-more", ticket);

        // Forgotten, so validated again on its next use; never wrongly accepted.
        Assert.Null(tokens.Find("token-0"));
        Assert.NotNull(tokens.Find("one-more"));
    }

    [Fact]
    public void A_token_without_an_expiry_is_never_kept()
    {
        var tokens = new ValidatedTokens(time);
        tokens.Add("token-a", Ticket(null));

        Assert.Null(tokens.Find("token-a"));
    }
}
