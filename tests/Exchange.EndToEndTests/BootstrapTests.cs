using Exchange.Contracts;

namespace Exchange.EndToEndTests;

[Collection(SharedServer.Name)]
public class BootstrapTests(ExchangeServer server)
{
    [Fact]
    public void Operator_credential_is_written_for_the_owner_only_and_its_path_logged()
    {
        var credential = CredentialFile.Load(server.OperatorCredentialPath);

        Assert.Equal("exchange-operator", credential.ClientId);
        Assert.Equal(server.Address, new Uri(credential.Server!));
        Assert.False(string.IsNullOrEmpty(credential.ClientSecret));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(server.OperatorCredentialPath));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(server.DataDirectory));
        }
        Assert.Contains(server.Logs, line => line.Contains(server.OperatorCredentialPath, StringComparison.Ordinal));
        // Without a configured issuer the file names the address the server listens on, and the log says why.
        Assert.Contains(server.Logs, line => line.Contains("No Exchange:Tokens:Issuer is configured", StringComparison.Ordinal)
            && line.Contains(server.Address.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_client_secret_appears_in_any_log_line()
    {
        // Exercise the token endpoint with both credential kinds and a refusal first.
        using (var client = server.Demo("sundsvall-kommun"))
        {
            await client.Tokens.GetTokenAsync();
        }
        using (var client = server.Demo("sundsvall-kommun", useKey: true))
        {
            await client.Tokens.GetTokenAsync();
        }
        var secrets = new List<string> { CredentialFile.Load(server.OperatorCredentialPath).ClientSecret! };
        foreach (var file in Directory.GetFiles(Path.Combine(server.DataDirectory, "dev-credentials")))
        {
            var credential = CredentialFile.Load(file);
            secrets.Add(credential.ClientSecret!);
        }

        var logs = server.Logs.ToArray();
        Assert.NotEmpty(logs);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(logs, line => line.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Every_demo_party_of_the_design_has_a_credential_file()
    {
        var ids = Directory.GetFiles(Path.Combine(server.DataDirectory, "dev-credentials")).Select(Path.GetFileNameWithoutExtension).ToList();
        Assert.Equal(13, ids.Count);
        Assert.Contains(ExchangeServer.SecondOperatorId, ids);
        // The web app party, for the web app in Development.
        Assert.Contains("exchange-web", ids);
        Assert.Contains("polisregion-nord", ids);
        Assert.Contains("lansstyrelsen-vasternorrland", ids);
        Assert.Contains("kvinnojouren-sundsvall", ids);
        Assert.Equal(7, ids.Count(id => id!.EndsWith("-kommun", StringComparison.Ordinal)));
    }
}
