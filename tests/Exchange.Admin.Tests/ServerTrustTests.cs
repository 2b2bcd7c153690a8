using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exchange.Admin.Commands;

namespace Exchange.Admin.Tests;

/// <summary>--ca-cert: which file is used, how it is read, and which server certificates it makes trusted.</summary>
public sealed class ServerTrustTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("exchange-admin-ca-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [InlineData("/etc/county-ca.pem", "/env/ca.pem", "/etc/county-ca.pem")]
    [InlineData(null, "/env/ca.pem", "/env/ca.pem")]
    [InlineData(null, "", null)]
    [InlineData(null, null, null)]
    public void The_option_wins_over_the_environment_and_neither_means_the_system_roots(string? option, string? environment, string? used) =>
        Assert.Equal(used, ServerTrust.CaCertPath(option, environment));

    [Fact]
    public void The_option_is_global_and_parsed_after_a_command()
    {
        var parse = AdminApp.Build().Parse(["authority", "list", "--ca-cert", "/etc/county-ca.pem"]);
        Assert.Empty(parse.Errors);
        Assert.Equal("/etc/county-ca.pem", parse.GetValue(GlobalOptions.CaCert));
    }

    [Fact]
    public async Task A_missing_ca_file_is_a_command_line_error_naming_it()
    {
        var credential = Path.Combine(directory, "operator.json");
        new Exchange.Contracts.CredentialFile { Server = "https://127.0.0.1:1", ClientId = "exchange-operator", ClientSecret = "x" }.Save(credential);
        var missing = Path.Combine(directory, "no-such-ca.pem");
        var error = new StringWriter();

        var code = await AdminApp.RunAsync(["authority", "list", "--credential", credential, "--ca-cert", missing], TextWriter.Null, error);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith($"error: the CA certificate {missing} cannot be read", error.ToString());
    }

    [Fact]
    public void A_file_without_a_pem_certificate_is_refused_saying_what_is_expected()
    {
        var path = Path.Combine(directory, "key.pem");
        using var rsa = RSA.Create(2048);
        File.WriteAllText(path, rsa.ExportSubjectPublicKeyInfoPem());
        var error = Assert.Throws<AdminUsageException>(() => ServerTrust.LoadRoots(path));
        Assert.Contains("holds no certificate", error.Message);
    }

    [Fact]
    public void Every_certificate_of_a_bundle_is_read()
    {
        using var ca = Authority("CN=County CA");
        using var other = Authority("CN=Other CA");
        var path = Path.Combine(directory, "bundle.pem");
        File.WriteAllText(path, ca.ExportCertificatePem() + "\n" + other.ExportCertificatePem());
        Assert.Equal(2, ServerTrust.LoadRoots(path).Count);
    }

    [Fact]
    public void A_server_certificate_the_ca_issued_is_trusted_and_one_from_elsewhere_is_not()
    {
        using var ca = Authority("CN=County CA");
        using var stranger = Authority("CN=Stranger CA");
        using var issued = Issue(ca, "CN=exchange.lan.example");
        using var forged = Issue(stranger, "CN=exchange.lan.example");
        var roots = new X509Certificate2Collection(X509CertificateLoader.LoadCertificate(ca.RawData));

        // The system's check fails on both (an untrusted root); the county CA decides.
        Assert.True(ServerTrust.IsTrusted(roots, issued, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(ServerTrust.IsTrusted(roots, forged, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void The_host_name_is_still_checked()
    {
        using var ca = Authority("CN=County CA");
        using var issued = Issue(ca, "CN=exchange.lan.example");
        var roots = new X509Certificate2Collection(X509CertificateLoader.LoadCertificate(ca.RawData));
        Assert.False(ServerTrust.IsTrusted(roots, issued, null, SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(ServerTrust.IsTrusted(roots, null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
    }

    [Fact]
    public void A_self_signed_server_is_trusted_with_its_own_certificate()
    {
        using var server = Authority("CN=127.0.0.1");
        var roots = new X509Certificate2Collection(X509CertificateLoader.LoadCertificate(server.RawData));
        Assert.True(ServerTrust.IsTrusted(roots, server, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    private static X509Certificate2 Authority(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 Issue(X509Certificate2 issuer, string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name["CN=".Length..]);
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        return request.Create(issuer, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), RandomNumberGenerator.GetBytes(8));
    }
}
