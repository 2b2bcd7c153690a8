using System.CommandLine;
using Exchange.Client;
using Exchange.Contracts;

namespace Exchange.Admin.Commands;

/// <summary>Options every command takes, and the connection they describe.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Server = new("--server")
    {
        Description = "The server address, e.g. https://exchange.example.se. Default: $EXCHANGE_SERVER, else the address in the credential file.",
        Recursive = true,
    };

    public static readonly Option<string?> Credential = new("--credential")
    {
        Description = "The operator credential file. Default: $EXCHANGE_CREDENTIAL, else the file the server writes on first start.",
        Recursive = true,
    };

    public static readonly Option<string?> CaCert = new("--ca-cert")
    {
        Description = "A PEM file with the CA certificate (e.g. the county's CA, or a self-signed server's own certificate) that the server's " +
            "certificate must chain to, instead of the system's roots; the host name is still checked. Default: $" + ServerTrust.EnvironmentVariable + ".",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print JSON (protobuf JSON mapping) instead of tables, for scripts.",
        Recursive = true,
    };

    public static void AddTo(RootCommand root)
    {
        root.Options.Add(Server);
        root.Options.Add(Credential);
        root.Options.Add(CaCert);
        root.Options.Add(Json);
    }

    public static string DefaultCredentialPath() =>
        Environment.GetEnvironmentVariable("EXCHANGE_CREDENTIAL") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : Path.Combine(DefaultLocations.DataDirectory(), DefaultLocations.OperatorCredentialFileName);

    /// <summary>The CA certificate file to trust, if any.</summary>
    public static string? CaCertPath(ParseResult parse) =>
        ServerTrust.CaCertPath(parse.GetValue(CaCert), Environment.GetEnvironmentVariable(ServerTrust.EnvironmentVariable));

    /// <summary>The operator credential file in use.</summary>
    public static string CredentialPath(ParseResult parse) => parse.GetValue(Credential) ?? DefaultCredentialPath();

    /// <summary>
    /// Connects as the operator. Throws <see cref="AdminConnectionException"/> when there is no usable
    /// credential file, and <see cref="AdminUsageException"/> when the server address given is unusable.
    /// </summary>
    public static ExchangeClient Connect(ParseResult parse)
    {
        var path = CredentialPath(parse);
        if (!File.Exists(path) && parse.GetValue(Credential) is null && Directory.Exists(Path.GetDirectoryName(path)))
        {
            // The server's data directory exists but not the credential yet: a first start under way
            // writes it once it listens. Wait for it briefly rather than send the operator away.
            parse.InvocationConfiguration.Error.WriteLine($"No operator credential at {path} yet; waiting for the server to finish starting…");
            for (var waited = 0; waited < 30 && !File.Exists(path); waited++)
            {
                Thread.Sleep(500);
            }
        }
        if (!File.Exists(path))
        {
            throw new AdminConnectionException($"No operator credential at {path}. Start the server once (it writes one there), or pass --credential.");
        }
        CredentialFile file;
        try
        {
            file = CredentialFile.Load(path);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException)
        {
            throw new AdminConnectionException($"{path} is not a credential file.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AdminConnectionException($"{path} cannot be read: {e.Message}");
        }
        if (string.IsNullOrEmpty(file.ClientSecret) && string.IsNullOrEmpty(file.PrivateKeyPem))
        {
            throw new AdminConnectionException($"{path} holds no credential: it has neither client_secret nor private_key_pem.");
        }
        var server = parse.GetValue(Server) ?? Environment.GetEnvironmentVariable("EXCHANGE_SERVER") ?? file.Server;
        if (string.IsNullOrEmpty(server))
        {
            throw new AdminConnectionException("No server address: pass --server or set EXCHANGE_SERVER.");
        }
        if (!Uri.TryCreate(server, UriKind.Absolute, out var address) || (address.Scheme != Uri.UriSchemeHttps && address.Scheme != Uri.UriSchemeHttp))
        {
            throw new AdminUsageException($"'{server}' is not a server address: give an absolute URL such as https://exchange.example.se or http://127.0.0.1:5080.");
        }
        if (address.Scheme == Uri.UriSchemeHttp && !address.IsLoopback)
        {
            throw new AdminUsageException($"{address} is cleartext HTTP, which would send the credential readable to anyone on the way: use https (http only for a server on this machine).");
        }
        // Read before connecting, so that an unusable CA file is reported as such rather than as a TLS failure.
        var roots = CaCertPath(parse) is { } caCert ? ServerTrust.LoadRoots(caCert) : null;
        try
        {
            return ExchangeClient.Create(o =>
            {
                if (roots is not null)
                {
                    o.CreateHttpHandler = () => ServerTrust.CreateHandler(roots);
                }
                o.Address = address;
                o.ClientId = file.ClientId;
                o.ClientSecret = file.ClientSecret;
                o.PrivateKeyPem = file.PrivateKeyPem;
                o.KeyId = file.KeyId;
                o.Scopes.Add(Scopes.Admin);
                // An operator at a terminal is better told within a second that the server is down than
                // kept waiting out the whole deadline, which the library now retries for by default.
                o.MaxAttempts = 4;
            });
        }
        catch (ArgumentException e)
        {
            // The client refuses what it cannot use, e.g. a private key it cannot read.
            throw new AdminConnectionException(e.Message);
        }
    }
}

internal sealed class AdminConnectionException(string message) : Exception(message);

internal sealed class AdminUsageException(string message) : Exception(message);

/// <summary>The server did what was asked, but keeping its result on this machine failed.</summary>
internal sealed class AdminLocalException(string message) : Exception(message);

/// <summary>The audit log failed verification; what is wrong was already written.</summary>
internal sealed class AuditBrokenException() : Exception("The audit log is not intact.");
