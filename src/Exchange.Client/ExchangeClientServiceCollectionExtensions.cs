using Exchange.Client;
using Exchange.V1;

// In the DI namespace so that AddExchangeClient is found where services are registered, as
// AddGrpcClient and AddHttpClient are: the one file whose namespace does not follow its folder.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers Exchange clients with dependency injection.</summary>
public static class ExchangeClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers one shared <see cref="ExchangeClient"/> and its typed service clients
    /// (<see cref="StatisticsService.StatisticsServiceClient"/>, <see cref="ReferralService.ReferralServiceClient"/>,
    /// <see cref="AdminService.AdminServiceClient"/>, <see cref="AccountService.AccountServiceClient"/>).
    /// </summary>
    /// <example>
    /// <code>
    /// builder.Services.AddExchangeClient(o =>
    /// {
    ///     o.Address = new Uri("https://exchange.example.se");
    ///     o.ClientId = "sundsvall-kommun";
    ///     o.PrivateKeyPem = File.ReadAllText("/run/secrets/exchange-key.pem");
    ///     o.KeyId = "sundsvall-2026";
    /// });
    /// </code>
    /// </example>
    public static IServiceCollection AddExchangeClient(this IServiceCollection services, Action<ExchangeClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton(_ => ExchangeClient.Create(configure));
        services.AddTransient(sp => sp.GetRequiredService<ExchangeClient>().Statistics);
        services.AddTransient(sp => sp.GetRequiredService<ExchangeClient>().Referrals);
        services.AddTransient(sp => sp.GetRequiredService<ExchangeClient>().Admin);
        services.AddTransient(sp => sp.GetRequiredService<ExchangeClient>().Account);
        return services;
    }
}
