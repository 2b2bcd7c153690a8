using System.ComponentModel.DataAnnotations;
using Exchange.Contracts;
using Exchange.Server.Admin;
using Exchange.Server.Audit;
using Exchange.Server.Authorization;
using Exchange.Server.Identity;
using Exchange.Server.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Bootstrap;

/// <summary>Configuration section <c>Exchange:Operator</c>.</summary>
public sealed class OperatorOptions
{
    public const string Section = "Exchange:Operator";

    /// <summary>The operator authority's id (its client_id).</summary>
    [RegularExpression("^[a-z][a-z0-9-]{2,62}$", ErrorMessage = "AuthorityId must be 3–63 lower-case letters, digits and '-', starting with a letter.")]
    public string AuthorityId { get; set; } = DefaultAuthorityId;

    public const string DefaultAuthorityId = "exchange-operator";

    public string Name { get; set; } = "Exchange operators";

    /// <summary>The operating organisation's organisation number.</summary>
    [RegularExpression("^[0-9]{6}-?[0-9]{4}$", ErrorMessage = "OrganisationNumber must be 10 digits (NNNNNN-NNNN).")]
    public string OrganisationNumber { get; set; } = "2021009994";

    /// <summary>Where the first start writes the operator credential; defaults to <c>operator-credential.json</c> in the data directory.</summary>
    public string? CredentialFile { get; set; }

    public string ResolveCredentialFile(string dataDirectory) =>
        string.IsNullOrWhiteSpace(CredentialFile) ? Path.Combine(dataDirectory, DefaultLocations.OperatorCredentialFileName) : Path.GetFullPath(CredentialFile);
}

/// <summary>Configuration section <c>Exchange:Demo</c>.</summary>
public sealed class DemoOptions
{
    public const string Section = "Exchange:Demo";

    /// <summary>Seed the demo parties of Västernorrland; honoured in Development only.</summary>
    public bool Seed { get; set; }

    /// <summary>With <see cref="Seed"/>: also seed synthetic statistics from 2023 to today for every demo reporter.</summary>
    public bool Statistics { get; set; } = true;
}

/// <summary>
/// An operator authority provisioned from configuration (<c>Exchange:Operators</c>): its person
/// generated the key pair and handed over the public key, so nobody else holds its credential.
/// </summary>
public sealed class ConfiguredOperator
{
    public const string Section = "Exchange:Operators";

    /// <summary>The operator authority's id, e.g. <c>operator-anna</c>.</summary>
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>The operating organisation's number; defaults to the bootstrap operator's.</summary>
    public string? OrganisationNumber { get; set; }

    /// <summary>The operator's public key (RSA or EC) in PEM.</summary>
    public string PublicKeyFile { get; set; } = "";

    /// <summary>The key id its client assertions name.</summary>
    public string KeyId { get; set; } = "";
}

/// <summary>
/// On the first start with an empty store, creates the operator authority and its client secret, and
/// writes the secret to a file only the owner can read. The secret is never logged. Runs once Kestrel
/// listens, so that without a configured issuer the file can name the address it listens on.
/// </summary>
internal sealed class OperatorBootstrap(
    IServiceScopeFactory scopes,
    IServer server,
    IOptions<OperatorOptions> operatorOptions,
    IOptions<StorageOptions> storageOptions,
    IHostEnvironment environment,
    IOptions<DemoOptions> demo,
    IOptions<List<ConfiguredOperator>> configuredOperators,
    IOptions<TokenOptions> tokenOptions,
    StartupGate gate,
    StartupLock startupLock,
    ILogger<OperatorBootstrap> logger) : IHostedLifecycleService
{
    /// <summary>The actor of operators provisioned from configuration.</summary>
    public const string ConfigurationActor = "system:configuration";

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var address = PublicAddress(tokenOptions.Value.Issuer, server, logger);
        var dataDirectory = storageOptions.Value.ResolveDataDirectory();
        // A second server starting at this moment waits here, then finds the operator and the seed there.
        await using (await startupLock.AcquireAsync(cancellationToken))
        {
            await BootstrapAsync(address, dataDirectory, cancellationToken);
        }
        gate.Open();
        BootstrapLog.Ready(logger);
    }

    private async Task BootstrapAsync(string address, string dataDirectory, CancellationToken cancellationToken)
    {
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
            }, KindPolicy.TypicalScopes(PartyKind.Operator), "operator bootstrap on first start", SystemActors.Bootstrap, cancellationToken);
            var path = options.ResolveCredentialFile(dataDirectory);
            new CredentialFile { Server = address, ClientId = options.AuthorityId, ClientSecret = secret }.Save(path);
            BootstrapLog.OperatorCredentialWritten(logger, path);
        }

        foreach (var configured in configuredOperators.Value)
        {
            await ProvisionAsync(services, configured, cancellationToken);
        }
        await StarterCatalogue.SeedAsync(services, cancellationToken);

        if (environment.IsDevelopment() && demo.Value.Seed)
        {
            await DemoSeed.SeedAsync(services, address, Path.Combine(dataDirectory, "dev-credentials"), logger, cancellationToken);
            await DemoSeed.SeedMembersAsync(services, services.GetRequiredService<IOptions<People.PeopleOptions>>().Value, cancellationToken);
            await DemoPopulation.SeedAsync(services, logger, cancellationToken);
            if (demo.Value.Statistics)
            {
                await DemoStatistics.SeedAsync(services, logger, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Creates a configured operator that does not exist yet, with the admin grant and its public key.
    /// One that exists is left alone: from then on it manages its own credentials.
    /// </summary>
    private async Task ProvisionAsync(IServiceProvider services, ConfiguredOperator configured, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<ExchangeDbContext>();
        if (await db.Authorities.AsNoTracking().FirstOrDefaultAsync(a => a.Id == configured.Id, cancellationToken) is { } existing)
        {
            if (existing.Kind == PartyKind.Operator)
            {
                return;
            }
            // Someone may have taken the id first to keep this operator from existing: say so, loudly.
            throw new InvalidOperationException(
                $"{ConfiguredOperator.Section}: '{configured.Id}' is already an authority of kind {existing.Kind.ToString().ToLowerInvariant()}, not an operator. " +
                "Choose another id for the operator, and find out who registered this one.");
        }
        if (!Validation.Identifiers.IsAuthorityId(configured.Id) || SystemActors.ReservedAuthorityIds.Contains(configured.Id) || string.IsNullOrWhiteSpace(configured.KeyId))
        {
            throw new InvalidOperationException($"{ConfiguredOperator.Section}: each operator needs an Id (an authority id, not a reserved word) and a KeyId.");
        }
        PublicJwk? key;
        try
        {
            key = PublicJwk.Parse(PublicKeys.JwkFromPem(File.ReadAllText(configured.PublicKeyFile), configured.KeyId), out var error)
                ?? throw new InvalidOperationException($"{ConfiguredOperator.Section}: the key of {configured.Id} in {configured.PublicKeyFile}: {error}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException($"{ConfiguredOperator.Section}: the public key of {configured.Id} cannot be read from '{configured.PublicKeyFile}': {e.Message}", e);
        }
        var authority = new AuthorityEntity
        {
            Id = configured.Id,
            Name = string.IsNullOrWhiteSpace(configured.Name) ? configured.Id : configured.Name,
            Kind = PartyKind.Operator,
            OrganisationNumber = configured.OrganisationNumber ?? operatorOptions.Value.OrganisationNumber,
        };
        await services.GetRequiredService<AuthorityAdministration>().CreateAsync(authority, ConfigurationActor, cancellationToken);
        await services.GetRequiredService<GrantAdministration>().CreateAsync(authority.Id, Scopes.Admin, null, null, "operator from configuration", ConfigurationActor, cancellationToken);
        await services.GetRequiredService<CredentialRegistry>().AddKeyAsync(authority.Id, key, CredentialOrigin.System, ConfigurationActor, cancellationToken);
        BootstrapLog.OperatorProvisioned(logger, authority.Id);
    }

    /// <summary>Registers an authority with grants and a client secret, returning the secret.</summary>
    internal static async Task<string> CreateAuthorityAsync(IServiceProvider services, AuthorityEntity authority, IEnumerable<string> scopes, string reason, string actor, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<AuthorityAdministration>().CreateAsync(authority, actor, cancellationToken);
        var grants = services.GetRequiredService<GrantAdministration>();
        foreach (var scope in scopes)
        {
            await grants.CreateAsync(authority.Id, scope, null, null, reason, actor, cancellationToken);
        }
        var (_, secret) = await services.GetRequiredService<CredentialRegistry>().AddSecretAsync(authority.Id, CredentialOrigin.System, actor, cancellationToken);
        return secret;
    }

    /// <summary>
    /// The address credential files name: the configured issuer, which is the public URL clients use.
    /// The bind address (e.g. https://0.0.0.0:5443 behind a load balancer) is often unreachable from
    /// where the file is used, and a client assertion must be addressed to the issuer anyway; it is
    /// taken only when no issuer is configured (Development), and the log says so.
    /// </summary>
    internal static string PublicAddress(string? issuer, IServer server, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(issuer))
        {
            return issuer;
        }
        var bound = ServerAddress(server);
        BootstrapLog.AddressFromBinding(logger, bound);
        return bound;
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

internal static partial class BootstrapLog
{
    [LoggerMessage(12, LogLevel.Warning, "Operator credential written to {Path}; it is shown nowhere else. Keep it safe.")]
    public static partial void OperatorCredentialWritten(ILogger logger, string path);

    [LoggerMessage(13, LogLevel.Information, "Demo credential for {AuthorityId} written to {Path}")]
    public static partial void DemoCredentialWritten(ILogger logger, string authorityId, string path);

    [LoggerMessage(21, LogLevel.Information, "Demo statistics: {Cells} synthetic cells stored or already present")]
    public static partial void DemoStatisticsSeeded(ILogger logger, int cells);

    [LoggerMessage(26, LogLevel.Information, "Demo population: {Figures} demo figures added where none was stored")]
    public static partial void DemoPopulationSeeded(ILogger logger, int figures);

    [LoggerMessage(18, LogLevel.Warning, "Operator {AuthorityId} created from configuration, with the admin grant and its public key")]
    public static partial void OperatorProvisioned(ILogger logger, string authorityId);

    [LoggerMessage(23, LogLevel.Information, "No Exchange:Tokens:Issuer is configured: credential files name the address the server listens on, {Address}")]
    public static partial void AddressFromBinding(ILogger logger, string address);

    [LoggerMessage(19, LogLevel.Information, "Ready: bootstrap done, calls are accepted")]
    public static partial void Ready(ILogger logger);
}
