using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Exchange.Client.Tests;

public sealed class ExchangeTokenProviderTests : IDisposable
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeTokenEndpoint endpoint = new();

    [Fact]
    public async Task Token_is_cached_until_shortly_before_expiry()
    {
        using var provider = new ExchangeTokenProvider(Options(o => o.ClientSecret = "s3cret"));

        var first = await provider.GetTokenAsync();
        time.Advance(TimeSpan.FromMinutes(13));
        var second = await provider.GetTokenAsync();
        time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1)); // inside the 60 s margin of a 15 min token
        var third = await provider.GetTokenAsync();

        Assert.Same(first, second);
        Assert.NotEqual(first.Value, third.Value);
        Assert.Equal(2, endpoint.Requests.Count);
    }

    [Fact]
    public async Task Concurrent_callers_share_one_token_request()
    {
        using var provider = new ExchangeTokenProvider(Options(o => o.ClientSecret = "s3cret"));
        // The endpoint answers only after all twenty have asked, so every one of them finds a request under way.
        endpoint.Hold = new TaskCompletionSource();
        var calls = Enumerable.Range(0, 20).Select(_ => provider.GetTokenAsync().AsTask()).ToList();
        endpoint.Hold.SetResult();
        var tokens = await Task.WhenAll(calls);
        Assert.Single(tokens.Select(t => t.Value).Distinct());
        Assert.Single(endpoint.Requests);
    }

    [Fact]
    public async Task Secret_is_sent_in_the_body_with_requested_scopes()
    {
        using var provider = new ExchangeTokenProvider(Options(o =>
        {
            o.ClientSecret = "s3cret";
            o.Scopes.Add("statistics.report");
            o.Scopes.Add("statistics.read");
        }));
        await provider.GetTokenAsync();

        var form = endpoint.Requests.Single();
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal("sundsvall-kommun", form["client_id"]);
        Assert.Equal("s3cret", form["client_secret"]);
        Assert.Equal("statistics.report statistics.read", form["scope"]);
    }

    [Fact]
    public async Task Private_key_jwt_assertion_has_the_shape_the_server_requires()
    {
        using var rsa = RSA.Create(2048);
        using var provider = new ExchangeTokenProvider(Options(o =>
        {
            o.PrivateKeyPem = rsa.ExportPkcs8PrivateKeyPem();
            o.KeyId = "sundsvall-2026";
        }));
        await provider.GetTokenAsync();
        await provider.GetTokenAsync();
        provider.Invalidate();
        await provider.GetTokenAsync();

        var forms = endpoint.Requests;
        Assert.Equal(2, forms.Count);
        Assert.False(forms[0].ContainsKey("client_secret"));
        Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", forms[0]["client_assertion_type"]);
        var jwt = new JsonWebToken(forms[0]["client_assertion"]);
        Assert.Equal("client-authentication+jwt", jwt.Typ);
        Assert.Equal("sundsvall-2026", jwt.Kid);
        Assert.Equal("sundsvall-kommun", jwt.Issuer);
        Assert.Equal("sundsvall-kommun", jwt.Subject);
        Assert.Equal(["http://127.0.0.1:5080/"], jwt.Audiences);
        var secondJti = new JsonWebToken(forms[1]["client_assertion"]).Id;
        Assert.False(string.IsNullOrEmpty(jwt.Id));
        Assert.NotEqual(jwt.Id, secondJti);
        // The signature verifies with the public half.
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(jwt.EncodedToken, new Microsoft.IdentityModel.Tokens.TokenValidationParameters
        {
            IssuerSigningKey = new Microsoft.IdentityModel.Tokens.RsaSecurityKey(rsa.ExportParameters(false)),
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public async Task Refusal_surfaces_the_oauth_error()
    {
        endpoint.Refuse = ("invalid_scope", "The authority holds no valid grant for: admin.");
        using var provider = new ExchangeTokenProvider(Options(o => o.ClientSecret = "s3cret"));

        var error = await Assert.ThrowsAsync<ExchangeAuthenticationException>(async () => await provider.GetTokenAsync());
        Assert.Equal("invalid_scope", error.Error);
        Assert.Contains("no valid grant", error.Description);
    }

    public void Dispose() => endpoint.Dispose();

    private ExchangeClientOptions Options(Action<ExchangeClientOptions> configure)
    {
        var options = new ExchangeClientOptions
        {
            Address = new Uri("http://127.0.0.1:5080"),
            ClientId = "sundsvall-kommun",
            CreateHttpHandler = () => endpoint,
            TimeProvider = time,
        };
        configure(options);
        return options;
    }
}
