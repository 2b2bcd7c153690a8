using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Exchange.Admin.Commands;

namespace Exchange.Admin.Tests;

public class AdminAppTests
{
    [Fact]
    public async Task Help_lists_every_command_group()
    {
        var (code, output, _) = await Run("--help");
        Assert.Equal(ExitCodes.Success, code);
        foreach (var group in new[] { "authority", "credential", "grant", "indicator", "audit" })
        {
            Assert.Contains(group, output);
        }
    }

    // Each case names what is wrong with it, so a case refused for another reason fails.
    [Theory]
    [InlineData("Required argument 'authority-id' missing", "authority", "add")]
    [InlineData("'bishop' not recognized", "authority", "add", "x", "--name", "X", "--kind", "bishop", "--org-number", "2021000076")]
    [InlineData("'everything' not recognized", "grant", "add", "x", "--scope", "everything", "--reason", "r")]
    [InlineData("--goal must be a whole number from 1 to 4 (got '7')", "indicator", "add", "x", "--name", "X", "--goal", "7", "--unit", "u", "--reporter-kind", "police")]
    [InlineData("Unrecognized command or argument 'no-such-command'", "no-such-command")]
    public async Task Wrong_command_lines_exit_2_saying_what_is_wrong(string says, params string[] args)
    {
        var (code, _, error) = await Run(args);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("error:", error);
        Assert.Contains(says, error);
    }

    [Fact]
    public async Task Missing_credential_exits_3_naming_the_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.json");
        var (code, _, error) = await Run("authority", "list", "--credential", path);
        Assert.Equal(ExitCodes.NotConnected, code);
        Assert.Contains(path, error);
    }

    [Fact]
    public async Task Unreachable_server_exits_3_naming_the_address_once()
    {
        // A port this test holds without listening: connecting is refused, and nothing else can take it meanwhile.
        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var address = $"127.0.0.1:{((IPEndPoint)closed.LocalEndPoint!).Port}";
        var path = Path.GetTempFileName();
        try
        {
            new Exchange.Contracts.CredentialFile { Server = $"http://{address}", ClientId = "exchange-operator", ClientSecret = "x" }.Save(path);
            var (code, _, error) = await Run("authority", "list", "--credential", path);
            Assert.Equal(ExitCodes.NotConnected, code);
            Assert.StartsWith("error: cannot use the server (Unavailable)", error);
            Assert.Contains($"http://{address}/connect/token could not be reached", error);
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(error, "Connection refused"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("http://exchange.example.se", "cleartext")]
    [InlineData("ftp://exchange.example.se", "not a server address")]
    [InlineData("not-a-url", "not a server address")]
    public async Task Unusable_server_address_is_a_command_line_error_saying_what_is_wrong(string server, string says)
    {
        var path = Path.GetTempFileName();
        try
        {
            new Exchange.Contracts.CredentialFile { ClientId = "exchange-operator", ClientSecret = "x" }.Save(path);
            var (code, _, error) = await Run("authority", "list", "--credential", path, "--server", server);
            Assert.Equal(ExitCodes.Usage, code);
            Assert.StartsWith("error:", error);
            Assert.Contains(says, error);
            Assert.DoesNotContain("   at ", error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Credential_file_without_a_credential_exits_3()
    {
        var path = Path.GetTempFileName();
        try
        {
            // Refused before any connection is tried: no server listens at this address.
            new Exchange.Contracts.CredentialFile { Server = "http://127.0.0.1:1", ClientId = "exchange-operator" }.Save(path);
            var (code, _, error) = await Run("authority", "list", "--credential", path);
            Assert.Equal(ExitCodes.NotConnected, code);
            Assert.StartsWith($"error: {path} holds no credential: it has neither client_secret nor private_key_pem.", error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Rsa_public_key_pem_becomes_a_public_jwk_with_the_key_id()
    {
        using var rsa = RSA.Create(2048);
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, rsa.ExportSubjectPublicKeyInfoPem());
            using var jwk = JsonDocument.Parse(CredentialCommands.ReadJwk(new FileInfo(path), "k-2026", null));

            Assert.Equal("RSA", jwk.RootElement.GetProperty("kty").GetString());
            Assert.Equal("k-2026", jwk.RootElement.GetProperty("kid").GetString());
            Assert.False(jwk.RootElement.TryGetProperty("d", out _));
            Assert.Equal(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(rsa.ExportParameters(false).Modulus), jwk.RootElement.GetProperty("n").GetString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Ec_public_key_pem_names_its_curve()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, ec.ExportSubjectPublicKeyInfoPem());
            using var jwk = JsonDocument.Parse(CredentialCommands.ReadJwk(new FileInfo(path), "ec-1", null));
            Assert.Equal("P-384", jwk.RootElement.GetProperty("crv").GetString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Key_options_must_be_given_in_one_form()
    {
        Assert.Throws<AdminUsageException>(() => CredentialCommands.ReadJwk(null, null, null));
        Assert.Throws<AdminUsageException>(() => CredentialCommands.ReadJwk(new FileInfo("a.pem"), null, new FileInfo("a.json")));
        Assert.Throws<AdminUsageException>(() => CredentialCommands.ReadJwk(new FileInfo("/nonexistent.pem"), null, null));
    }

    [Theory]
    [InlineData("victim_sex=female,male,other", "victim_sex", new[] { "female", "male", "other" })]
    [InlineData("age_band= 0_17 , 18_29", "age_band", new[] { "0_17", "18_29" })]
    public void Dimension_specification_is_parsed(string spec, string code, string[] values)
    {
        var dimension = IndicatorCommands.ParseDimension(spec);
        Assert.Equal(code, dimension.Code);
        Assert.Equal(values, dimension.Values);
    }

    [Theory]
    [InlineData("victim_sex")]
    [InlineData("=female")]
    [InlineData("victim_sex=")]
    public void Malformed_dimension_is_a_usage_error(string spec) =>
        Assert.Throws<AdminUsageException>(() => IndicatorCommands.ParseDimension(spec));

    [Fact]
    public void Tables_align_columns_and_say_when_empty()
    {
        var writer = new StringWriter();
        Tables.Write(writer, ["ID", "NAME"], [["a", "Ånge kommun"], ["sundsvall-kommun", "S"]]);
        var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines[1].IndexOf("Ånge", StringComparison.Ordinal), lines[0].IndexOf("NAME", StringComparison.Ordinal));

        var empty = new StringWriter();
        Tables.Write(empty, ["ID"], []);
        Assert.Contains("(none)", empty.ToString());
    }

    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await AdminApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
