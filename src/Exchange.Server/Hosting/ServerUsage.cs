namespace Exchange.Server.Hosting;

/// <summary>
/// What <c>Exchange.Server --help</c> prints. The server takes its settings from configuration, so
/// an unknown word on the command line would otherwise start it — in Production, if that is the
/// environment — instead of telling the operator how to run it.
/// </summary>
public static class ServerUsage
{
    private static readonly HashSet<string> HelpWords = new(StringComparer.OrdinalIgnoreCase) { "--help", "-h", "-?", "/?", "help" };

    public static bool IsRequested(IEnumerable<string> args) => args.Any(HelpWords.Contains);

    public const string Text = """
        Exchange server: statistics and consent-based referrals between authorities, over gRPC.

        Usage:
          dotnet Exchange.Server.dll [--Section:Key=value ...]
          dotnet Exchange.Server.dll --help

        Settings come, later ones winning, from appsettings.json and appsettings.{Environment}.json in
        the server's own folder (whatever the working directory), environment variables
        (Exchange__Storage__Provider=Postgres) and the command line (--Exchange:Storage:Provider=Postgres).

        Environment:
          ASPNETCORE_ENVIRONMENT   Production (the default) or Development (demo authorities, cleartext
                                   HTTP/2 on loopback, generated keys). Outside Development the server
                                   refuses to start without a TLS endpoint and Exchange:Tokens:Issuer.

        Main settings:
          Kestrel:Endpoints:Https:Url            e.g. https://0.0.0.0:5443
          Kestrel:Certificates:Default:Path      a PFX, or a PEM certificate with KeyPath
          Exchange:Tokens:Issuer                 the public https address clients use
          Exchange:Tokens:SigningKeyPath         the token signing key (PEM), the same on every server
          Exchange:Storage:Provider              Sqlite (default) or Postgres
          Exchange:Storage:ConnectionString      PostgreSQL connection string
          Exchange:Storage:DataDirectory         keys and the SQLite database (default /var/lib/exchange)

        Health: GET /healthz (the process answers), GET /readyz (database reachable, migrations
        applied), and grpc.health.v1.Health.

        README.md and docs/operations.md describe every setting and how to run the server as a service.
        """;
}
