using Exchange.Server.Configuration;

namespace Exchange.Server.Referrals;

public static class ReferralExtensions
{
    public static WebApplicationBuilder AddExchangeReferrals(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<ReferralOptions>(ReferralOptions.Section);
        builder.Services.AddSingleton<KeyEncryptionKeys>();
        builder.Services.AddSingleton<ReferralKeyStore>();
        builder.Services.AddSingleton<ReferralSignal>();
        builder.Services.AddScoped<ReferralDesk>();
        builder.Services.AddHostedService<KeyStoreSetup>();
        builder.Services.AddSingleton<ReferralErasure>();
        builder.Services.AddHostedService(s => s.GetRequiredService<ReferralErasure>());
        return builder;
    }
}

/// <summary>Creates the key store before the server takes calls.</summary>
internal sealed class KeyStoreSetup(ReferralKeyStore keyStore, KeyEncryptionKeys keys) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Loaded now, so that a missing or malformed key stops the start rather than the first referral.
        _ = keys.Active;
        return keyStore.CreateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
