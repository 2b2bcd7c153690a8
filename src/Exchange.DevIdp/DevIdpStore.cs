using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Exchange.DevIdp;

/// <summary>OpenIddict's applications, authorizations and tokens; nothing of the IdP's own.</summary>
public sealed class DevIdpDbContext(DbContextOptions<DevIdpDbContext> options) : DbContext(options);

public static class DevIdpStoreExtensions
{
    /// <summary>
    /// OpenIddict's core with EF Core on an in-memory SQLite database that lives as long as the process.
    /// Chosen over degraded mode because OpenIddict then checks the client, its redirect and
    /// post-logout URIs, PKCE and single use of codes itself, with no validation code of ours to get
    /// wrong. Chosen over a SQLite file because configuration is the only source of truth for clients:
    /// every start registers them afresh, nothing stale survives a change of redirect URIs, and two
    /// instances sharing a data directory (a developer's and a test run's) never lock each other out.
    /// What a restart loses is only sessions and unredeemed codes, which a test double may lose.
    /// </summary>
    public static WebApplicationBuilder AddDevIdpStore(this WebApplicationBuilder builder)
    {
        // A shared-cache in-memory database lives while one connection to it is open: this one, until the host disposes it.
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = $"exchange-devidp-{Guid.NewGuid():N}",
            Mode = SqliteOpenMode.Memory,
            Cache = SqliteCacheMode.Shared,
        }.ToString();
        var keepAlive = new SqliteConnection(connectionString);
        keepAlive.Open();
        builder.Services.AddSingleton(new InMemoryDatabase(keepAlive));
        builder.Services.AddDbContext<DevIdpDbContext>(options => options.UseSqlite(connectionString).UseOpenIddict());
        builder.Services.AddHostedService<ClientRegistration>();
        return builder;
    }
}

/// <summary>Holds the connection that keeps the in-memory database alive; the container disposes it at shutdown.</summary>
internal sealed class InMemoryDatabase(SqliteConnection connection) : IDisposable
{
    public void Dispose() => connection.Dispose();
}

/// <summary>
/// Creates the schema and registers the configured clients before the server takes requests (a web
/// application's hosted services start before Kestrel listens).
/// </summary>
internal sealed partial class ClientRegistration(IServiceProvider services, DevIdpOptions options, SigningKey signingKey, ILogger<ClientRegistration> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Log.SigningKey(logger, signingKey.Key.KeyId, signingKey.Path, signingKey.Created ? "created now" : "kept from an earlier start");
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DevIdpDbContext>().Database.EnsureCreatedAsync(cancellationToken);
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        foreach (var client in options.Clients)
        {
            var descriptor = new OpenIddictApplicationDescriptor
            {
                ClientId = client.ClientId,
                DisplayName = client.ClientId,
                ClientType = ClientTypes.Public,
                // No consent screen: the developer chose the person, and the county's IdP asks no consent either.
                ConsentType = ConsentTypes.Implicit,
                Permissions =
                {
                    Permissions.Endpoints.Authorization,
                    Permissions.Endpoints.Token,
                    Permissions.Endpoints.EndSession,
                    Permissions.GrantTypes.AuthorizationCode,
                    Permissions.ResponseTypes.Code,
                    Permissions.Scopes.Profile,
                },
                Requirements = { Requirements.Features.ProofKeyForCodeExchange },
            };
            foreach (var uri in client.RedirectUris)
            {
                descriptor.RedirectUris.Add(new Uri(uri, UriKind.Absolute));
            }
            foreach (var uri in client.PostLogoutRedirectUris)
            {
                descriptor.PostLogoutRedirectUris.Add(new Uri(uri, UriKind.Absolute));
            }
            await applications.CreateAsync(descriptor, cancellationToken);
            Log.ClientRegistered(logger, client.ClientId, string.Join(' ', client.RedirectUris), string.Join(' ', client.PostLogoutRedirectUris));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
