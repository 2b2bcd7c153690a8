using Exchange.Contracts;

namespace Exchange.Client.Tests;

public class ExchangeClientOptionsTests
{
    [Fact]
    public void Credential_file_supplies_address_and_credential()
    {
        var path = Path.GetTempFileName();
        try
        {
            new CredentialFile { Server = "http://127.0.0.1:5080", ClientId = "sundsvall-kommun", ClientSecret = "s3cret" }.Save(path);
            var options = new ExchangeClientOptions().UseCredentialFile(path);

            Assert.Equal(new Uri("http://127.0.0.1:5080"), options.Address);
            Assert.Equal("sundsvall-kommun", options.ClientId);
            Assert.Equal("s3cret", options.ClientSecret);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(null, "a", "s", null, "Address")]
    [InlineData("mailto:exchange@example.se", "a", "s", null, "Address")]
    [InlineData("ftp://x", "a", "s", null, "Address")]
    [InlineData("http://exchange.example.se", "a", "s", null, "cleartext")]
    [InlineData("http://127.0.0.1:5080", "", "s", null, "ClientId")]
    [InlineData("https://exchange.example.se", "a", null, null, "PrivateKeyPem")]
    [InlineData("https://exchange.example.se", "a", null, "-----BEGIN PRIVATE KEY-----", "KeyId")]
    public void Incomplete_options_are_refused_with_the_missing_setting(string? address, string clientId, string? secret, string? pem, string named)
    {
        var options = new ExchangeClientOptions
        {
            Address = address is null ? null : new Uri(address),
            ClientId = clientId,
            ClientSecret = secret,
            PrivateKeyPem = pem,
        };
        var error = Assert.Throws<ArgumentException>(() => ExchangeClient.Create(options));
        Assert.Contains(named, error.Message);
    }
}

public class ExchangeClientKeyOptionsTests
{
    [Fact]
    public void A_signing_callback_needs_its_algorithm_and_kid()
    {
        var options = Options(o => o.SignAsync = (_, _) => ValueTask.FromResult(new byte[] { 1 }));

        var error = Assert.Throws<ArgumentException>(() => ExchangeClient.Create(options));

        Assert.Contains("KeyId", error.Message);
        options.KeyId = "sundsvall-hsm-1";
        Assert.Contains("SigningAlgorithm", Assert.Throws<ArgumentException>(() => ExchangeClient.Create(options)).Message);
    }

    [Fact]
    public void Two_sources_of_one_key_are_refused_rather_than_one_silently_chosen()
    {
        var options = Options(o =>
        {
            o.PrivateKeyPem = "-----BEGIN PRIVATE KEY-----";
            o.PrivateKeyPath = "/run/secrets/exchange-key.pem";
            o.KeyId = "sundsvall-2026";
        });

        Assert.Contains("only one of", Assert.Throws<ArgumentException>(() => ExchangeClient.Create(options)).Message);
    }

    [Fact]
    public void A_pem_that_holds_no_private_key_is_refused_when_the_client_is_created()
    {
        var options = Options(o =>
        {
            o.PrivateKeyPem = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----";
            o.KeyId = "sundsvall-2026";
        });

        var error = Assert.Throws<ArgumentException>(() => ExchangeClient.Create(options));

        Assert.Contains("PrivateKeyPem is not an RSA or EC private key", error.Message);
        Assert.DoesNotContain("bm90IGEga2V5", error.Message);
    }

    private static ExchangeClientOptions Options(Action<ExchangeClientOptions> configure)
    {
        var options = new ExchangeClientOptions { Address = new Uri("https://exchange.example.se"), ClientId = "sundsvall-kommun" };
        configure(options);
        return options;
    }
}
