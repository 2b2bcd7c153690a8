using Exchange.Contracts;
using Exchange.Server.Admin;
using Exchange.Server.Authorization;
using Exchange.Server.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Identity;

/// <summary>Configuration section <c>Exchange:Operator</c>.</summary>
public sealed class OperatorOptions
{
    public const string Section = "Exchange:Operator";

    /// <summary>The operator authority's id (its client_id).</summary>
    public string AuthorityId { get; set; } = "exchange-operator";

    public string Name { get; set; } = "Exchange operators";

    /// <summary>The operating organisation's organisation number.</summary>
    public string OrganisationNumber { get; set; } = "2021009994";

    /// <summary>Where the first start writes the operator credential; defaults to <c>operator-credential.json</c> in the data directory.</summary>
    public string? CredentialFile { get; set; }

    public string ResolveCredentialFile(string dataDirectory) =>
        string.IsNullOrWhiteSpace(CredentialFile) ? Path.Combine(dataDirectory, "operator-credential.json") : Path.GetFullPath(CredentialFile);
}

/// <summary>
/// On the first start with an empty store, creates the operator authority and its client secret, and
/// writes the secret to a file only the owner can read. The secret is never logged. Runs once Kestrel
/// listens, so the file can name the server's address.
/// </summary>
internal sealed class OperatorBootstrap(
    IServiceScopeFactory scopes,
    IServer server,
    IOptions<OperatorOptions> operatorOptions,
    IOptions<StorageOptions> storageOptions,
    IHostEnvironment environment,
    IConfiguration configuration,
    ILogger<OperatorBootstrap> logger) : IHostedLifecycleService
{
    public const string Actor = "bootstrap";

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var address = ServerAddress(server);
        var dataDirectory = storageOptions.Value.ResolveDataDirectory();
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<ExchangeDbContext>();

        if (!await db.Authorities.AnyAsync(a => a.Kind == PartyKind.Operator, cancellationToken))
        {
            var options = operatorOptions.Value;
            var secret = await CreateAuthorityAsync(services, new AuthorityEntity
            {
                Id = options.AuthorityId,
                Name = options.Name,
                Kind = PartyKind.Operator,
                OrganisationNumber = options.OrganisationNumber,
            }, AccessPolicy.TypicalScopes(PartyKind.Operator), "operator bootstrap on first start", cancellationToken);
            var path = options.ResolveCredentialFile(dataDirectory);
            new CredentialFile { Server = address, ClientId = options.AuthorityId, ClientSecret = secret }.Save(path);
            IdentityLog.OperatorCredentialWritten(logger, path);
        }

        if (environment.IsDevelopment() && configuration.GetValue("Exchange:Demo:Seed", false))
        {
            await DemoSeed.SeedAsync(services, address, Path.Combine(dataDirectory, "dev-credentials"), logger, cancellationToken);
        }
    }

    /// <summary>Registers an authority with grants and a client secret, returning the secret.</summary>
    internal static async Task<string> CreateAuthorityAsync(IServiceProvider services, AuthorityEntity authority, IEnumerable<string> scopes, string reason, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<AuthorityAdministration>().CreateAsync(authority, Actor, cancellationToken);
        var grants = services.GetRequiredService<GrantAdministration>();
        foreach (var scope in scopes)
        {
            await grants.CreateAsync(authority.Id, scope, null, null, reason, Actor, cancellationToken);
        }
        var (_, secret) = await services.GetRequiredService<CredentialRegistry>().AddSecretAsync(authority.Id, Actor, cancellationToken);
        return secret;
    }

    internal static string ServerAddress(IServer server)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1:5080";
        return address.Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal)
            .Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
