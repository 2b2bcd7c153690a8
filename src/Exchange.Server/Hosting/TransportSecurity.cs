namespace Exchange.Server.Hosting;

/// <summary>
/// Outside Development the server must listen with TLS: tokens, client assertions and referrals
/// cross the network. Kestrel would otherwise fall back to http://localhost:5000 when no endpoint is
/// configured, and write that address into the operator credential.
/// </summary>
public static class TransportSecurity
{
    public static void RequireTlsOutsideDevelopment(IConfiguration configuration, IHostEnvironment environment)
    {
        if (environment.IsDevelopment() || HasTlsEndpoint(configuration))
        {
            return;
        }
        throw new InvalidOperationException(
            $"Outside Development the server needs a TLS endpoint, and none is configured (environment {environment.EnvironmentName}). " +
            "Configure one, e.g. Kestrel:Endpoints:Https:Url=https://0.0.0.0:5443 with Kestrel:Certificates:Default:Path; " +
            "appsettings.Production.json in the server's folder does. See docs/operations.md, \"TLS\".");
    }

    /// <summary>Whether an https endpoint is configured, the way Kestrel chooses its endpoints.</summary>
    public static bool HasTlsEndpoint(IConfiguration configuration)
    {
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>().ToList();
        if (endpoints.Count > 0)
        {
            // Configured endpoints replace urls and ports.
            return endpoints.Any(IsHttps);
        }
        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return urls.Any(IsHttps) || !string.IsNullOrWhiteSpace(configuration["https_ports"]);
    }

    private static bool IsHttps(string url) => url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
}
