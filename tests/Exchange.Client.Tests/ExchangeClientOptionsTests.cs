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
