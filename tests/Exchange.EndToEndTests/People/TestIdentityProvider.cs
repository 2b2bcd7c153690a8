using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.EndToEndTests.People;

/// <summary>
/// A county identity provider as the exchange sees it: OpenID Connect metadata and a JWKS served by
/// real Kestrel on loopback, and ID tokens signed with its key. The browser tests use the development
/// IdP instead; this one lets a test sign what a real IdP never would (another key, a wrong audience).
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    private readonly RSA key = RSA.Create(2048);
    private readonly WebApplication app;

    private TestIdentityProvider(WebApplication app) => this.app = app;

    public string Issuer { get; private set; } = "";

    public const string Audience = "exchange-web";

    public static async Task<TestIdentityProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        // The test's folder holds the exchange server's appsettings (with its Kestrel endpoints): none of it is this IdP's.
        builder.Configuration.Sources.Clear();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        var idp = new TestIdentityProvider(app);
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = idp.Issuer,
            ["jwks_uri"] = idp.Issuer + "jwks",
            ["authorization_endpoint"] = idp.Issuer + "authorize",
            ["token_endpoint"] = idp.Issuer + "token",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(idp.key.ExportParameters(false)) { KeyId = "test-idp-1" });
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        idp.Issuer = address.TrimEnd('/') + "/";
        return idp;
    }

    /// <summary>An ID token for <paramref name="subject"/>, as the IdP issues it to the web app; a test may sign it with another key or address it elsewhere.</summary>
    public string IdToken(string subject, string audience = Audience, TimeSpan? lifetime = null, RSA? signWith = null, string? issuer = null,
        string? type = null, string[]? alsoFor = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(10));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = alsoFor is null ? audience : null,
            Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("name", "Test Person")]),
            IssuedAt = expires < now ? expires.AddMinutes(-5) : now,
            NotBefore = expires < now ? expires.AddMinutes(-5) : now,
            Expires = expires,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signWith ?? key) { KeyId = "test-idp-1" }, SecurityAlgorithms.RsaSha256),
            TokenType = type,
            Claims = alsoFor is null ? null : new Dictionary<string, object> { ["aud"] = new[] { audience }.Concat(alsoFor).ToArray() },
        });
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        key.Dispose();
    }
}
