using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Exchange.Admin.Commands;

/// <summary>
/// Trust in a server whose certificate a county's own CA issued, or that is self-signed: the operator
/// names the CA certificate (or the server's own) with --ca-cert or $EXCHANGE_ADMIN_CA_CERT. That CA is
/// then the only root the server's chain may end in — the system's roots are not consulted — and the
/// host name is still checked, so a certificate the CA issued for another host is refused.
/// </summary>
internal static class ServerTrust
{
    public const string EnvironmentVariable = "EXCHANGE_ADMIN_CA_CERT";

    /// <summary>The CA file in use: the option, else the environment variable, else none (the system's roots).</summary>
    public static string? CaCertPath(string? fromOption, string? fromEnvironment) =>
        !string.IsNullOrWhiteSpace(fromOption) ? fromOption
        : !string.IsNullOrWhiteSpace(fromEnvironment) ? fromEnvironment
        : null;

    /// <summary>Reads every certificate in a PEM file. A file that cannot be used is a command line error.</summary>
    public static X509Certificate2Collection LoadRoots(string path)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AdminUsageException($"the CA certificate {path} cannot be read: {e.Message}");
        }
        catch (CryptographicException e)
        {
            throw new AdminUsageException($"{path} is not a PEM certificate file: {e.Message}");
        }
        if (roots.Count == 0)
        {
            throw new AdminUsageException($"{path} holds no certificate: expected PEM (-----BEGIN CERTIFICATE-----), e.g. the county CA's certificate.");
        }
        return roots;
    }

    /// <summary>The client's usual transport, trusting <paramref name="roots"/> alone.</summary>
    public static SocketsHttpHandler CreateHandler(X509Certificate2Collection roots) => new()
    {
        // As the client library's default handler: several HTTP/2 connections, keep-alive pings.
        EnableMultipleHttp2Connections = true,
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        SslOptions = { RemoteCertificateValidationCallback = (_, certificate, chain, errors) => IsTrusted(roots, certificate, chain, errors) },
    };

    /// <summary>
    /// Whether the server's certificate is for the host asked for and chains to one of <paramref name="roots"/>.
    /// What the system's own chain check said is ignored: it does not know the county CA.
    /// </summary>
    public static bool IsTrusted(X509Certificate2Collection roots, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        // A private CA rarely publishes revocation lists the operator's machine can reach; TLS's own default does not check either.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // Intermediates the server sent along may be needed to reach the root.
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }
}
