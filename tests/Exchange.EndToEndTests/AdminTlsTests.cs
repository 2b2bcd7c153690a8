using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Exchange.EndToEndTests;

/// <summary>
/// exchange-admin against a server on HTTPS with a self-signed certificate, as a county's test server
/// or one behind the county's own CA: refused with the reason printed, then trusted with --ca-cert.
/// </summary>
[UnsupportedOSPlatform("windows")]
public class AdminTlsTests(TlsServer server) : IClassFixture<TlsServer>
{
    [Fact]
    public async Task Tool_prints_why_the_certificate_is_refused_and_trusts_it_with_ca_cert()
    {
        var ownCertificate = Path.Combine(server.Root, "exchange-server.pem");
        await File.WriteAllTextAsync(ownCertificate, server.Certificate.ExportCertificatePem());
        // The credential names the https address the server listens on (no issuer is configured).
        string[] list = ["authority", "list", "--credential", server.OperatorCredentialPath];

        var untrusted = await AdminTool.RunAsync(server.Root, list);
        Assert.Equal(3, untrusted.ExitCode);
        Assert.Contains("The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot", untrusted.Error);
        Assert.DoesNotContain("   at ", untrusted.Error);

        var trusted = await AdminTool.RunAsync(server.Root, [.. list, "--ca-cert", ownCertificate]);
        Assert.True(trusted.ExitCode == 0, trusted.Error);
        Assert.Contains("sundsvall-kommun", trusted.Output);

        var fromEnvironment = await AdminTool.RunWithEnvironmentAsync(server.Root, new Dictionary<string, string> { ["EXCHANGE_ADMIN_CA_CERT"] = ownCertificate }, list);
        Assert.True(fromEnvironment.ExitCode == 0, fromEnvironment.Error);
    }

    [Fact]
    public async Task Another_ca_does_not_make_the_server_trusted()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Some other county CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var otherCa = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(server.Root, $"other-ca-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(path, otherCa.ExportCertificatePem());

        var refused = await AdminTool.RunAsync(server.Root, "authority", "list", "--credential", server.OperatorCredentialPath, "--ca-cert", path);

        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("RemoteCertificateValidationCallback", refused.Error);
    }
}
