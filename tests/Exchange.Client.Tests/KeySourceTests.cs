using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Client.Tests;

/// <summary>Where the client's key comes from: a file that may be replaced while the application runs, or a signing callback.</summary>
public sealed class KeySourceTests : IDisposable
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeTokenEndpoint endpoint = new();
    private readonly string directory = Directory.CreateTempSubdirectory("exchange-client-keys-").FullName;

    [Fact]
    public async Task A_replaced_key_file_and_kid_are_used_from_the_next_token_request()
    {
        using var oldKey = RSA.Create(2048);
        using var newKey = RSA.Create(2048);
        var path = Path.Combine(directory, "exchange-key.pem");
        await File.WriteAllTextAsync(path, oldKey.ExportPkcs8PrivateKeyPem());
        var options = Options(o =>
        {
            o.PrivateKeyPath = path;
            o.KeyId = "sundsvall-2026";
        });
        using var provider = new ExchangeTokenProvider(options);
        await provider.GetTokenAsync();

        // Rotated by an operator or a secret store while the application runs.
        await File.WriteAllTextAsync(path, newKey.ExportPkcs8PrivateKeyPem());
        options.KeyId = "sundsvall-2027";
        await provider.GetTokenAsync();
        Assert.Single(endpoint.Requests); // the cached token is still good: nothing is asked until it is due
        time.Advance(TimeSpan.FromMinutes(15));
        await provider.GetTokenAsync();

        Assert.Equal(2, endpoint.Requests.Count);
        await AssertSignedBy(endpoint.Requests[0]["client_assertion"], new RsaSecurityKey(oldKey.ExportParameters(false)), "sundsvall-2026");
        await AssertSignedBy(endpoint.Requests[1]["client_assertion"], new RsaSecurityKey(newKey.ExportParameters(false)), "sundsvall-2027");
    }

    [Fact]
    public async Task Reloaded_configuration_gives_a_running_client_its_new_kid_and_key_file()
    {
        using var oldKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var oldPath = Path.Combine(directory, "2026.pem");
        var newPath = Path.Combine(directory, "2027.pem");
        await File.WriteAllTextAsync(oldPath, oldKey.ExportPkcs8PrivateKeyPem());
        await File.WriteAllTextAsync(newPath, newKey.ExportPkcs8PrivateKeyPem());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Exchange:Sundsvall:Address"] = "http://127.0.0.1:5080",
            ["Exchange:Sundsvall:ClientId"] = "sundsvall-kommun",
            ["Exchange:Sundsvall:PrivateKeyPath"] = oldPath,
            ["Exchange:Sundsvall:KeyId"] = "sundsvall-2026",
        }).Build();
        var services = new ServiceCollection();
        services.AddExchangeClient("sundsvall", configuration.GetSection("Exchange:Sundsvall"))
            .Configure(o => { o.CreateHttpHandler = () => endpoint; o.TimeProvider = time; });
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredKeyedService<ExchangeClient>("sundsvall");
        await client.Tokens.GetTokenAsync();

        configuration["Exchange:Sundsvall:PrivateKeyPath"] = newPath;
        configuration["Exchange:Sundsvall:KeyId"] = "sundsvall-2027";
        configuration.Reload();
        client.Tokens.Invalidate();
        await client.Tokens.GetTokenAsync();

        await AssertSignedBy(endpoint.Requests[0]["client_assertion"], new ECDsaSecurityKey(oldKey), "sundsvall-2026");
        await AssertSignedBy(endpoint.Requests[1]["client_assertion"], new ECDsaSecurityKey(newKey), "sundsvall-2027");
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("PS256")]
    [InlineData("ES256")]
    public async Task Signing_callback_signs_the_jws_signing_input_under_the_given_algorithm_and_kid(string algorithm)
    {
        using var rsa = RSA.Create(2048);
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signed = new List<string>();
        // Stands in for an HSM or key vault: it sees only the bytes to sign.
        using var provider = new ExchangeTokenProvider(Options(o =>
        {
            o.KeyId = "sundsvall-hsm-1";
            o.SigningAlgorithm = algorithm;
            o.SignAsync = (input, _) =>
            {
                signed.Add(Encoding.ASCII.GetString(input.Span));
                return ValueTask.FromResult(algorithm switch
                {
                    "RS256" => rsa.SignData(input.Span, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                    "PS256" => rsa.SignData(input.Span, HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
                    _ => ecdsa.SignData(input.Span, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
                });
            };
        }));

        await provider.GetTokenAsync();

        var assertion = endpoint.Requests.Single()["client_assertion"];
        Assert.Equal(assertion[..assertion.LastIndexOf('.')], Assert.Single(signed));
        SecurityKey publicKey = algorithm == "ES256" ? new ECDsaSecurityKey(ecdsa) : new RsaSecurityKey(rsa.ExportParameters(false));
        var jwt = await AssertSignedBy(assertion, publicKey, "sundsvall-hsm-1");
        Assert.Equal(algorithm, jwt.Alg);
        Assert.Equal("client-authentication+jwt", jwt.Typ);
        Assert.Equal("sundsvall-kommun", jwt.Issuer);
        Assert.Equal("sundsvall-kommun", jwt.Subject);
        Assert.Equal(["http://127.0.0.1:5080/"], jwt.Audiences);
        Assert.Equal(time.GetUtcNow().UtcDateTime.AddMinutes(2), jwt.ValidTo);
        Assert.False(string.IsNullOrEmpty(jwt.Id));
    }

    private static async Task<JsonWebToken> AssertSignedBy(string assertion, SecurityKey key, string keyId)
    {
        var jwt = new JsonWebToken(assertion);
        Assert.Equal(keyId, jwt.Kid);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            // The kid is checked above; here only whether this key made the signature.
            TryAllIssuerSigningKeys = true,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        return jwt;
    }

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

    public void Dispose()
    {
        endpoint.Dispose();
        Directory.Delete(directory, recursive: true);
    }
}
