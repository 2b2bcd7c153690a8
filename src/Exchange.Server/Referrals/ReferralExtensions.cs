using Exchange.Server.Configuration;

namespace Exchange.Server.Referrals;

public static class ReferralExtensions
{
    public static WebApplicationBuilder AddExchangeReferrals(this WebApplicationBuilder builder)
    {
        var options = builder.AddValidatedOptions<ReferralOptions>(ReferralOptions.Section);
        if (options.KeyEncryptionKeys.Count == 0 && !builder.Environment.IsDevelopment())
        {
            // A key generated into the data directory travels with every backup of it, and a backup taken
            // before a withdrawal could then still be decrypted: outside Development the keys come from
            // where backups of the data do not go.
            throw new InvalidOperationException(
                "Exchange:Referrals:KeyEncryptionKeys is required outside Development (with Exchange:Referrals:ActiveKeyEncryptionKey): " +
                "base64 of 32 random bytes, from a secret store or the environment, never from the data directory or its backups.");
        }
        builder.Services.AddSingleton<KeyEncryptionKeys>();
        builder.Services.AddSingleton<ReferralKeyStore>();
        builder.Services.AddSingleton<ReferralSignal>();
        builder.Services.AddScoped<ReferralDesk>();
        builder.Services.AddHostedService<KeyStoreSetup>();
        builder.Services.AddSingleton<ReferralErasure>();
        builder.Services.AddHostedService(s => s.GetRequiredService<ReferralErasure>());
        builder.Services.AddSingleton<ReferralStatistics>();
        builder.Services.AddHostedService(s => s.GetRequiredService<ReferralStatistics>());
        return builder;
    }
}

/// <summary>Creates the key store before the server takes calls.</summary>
internal sealed class KeyStoreSetup(ReferralKeyStore keyStore, KeyEncryptionKeys keys, Storage.StartupLock startupLock) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Loaded now, so that a missing or malformed key stops the start rather than the first referral.
        _ = keys.Active;
        // CREATE ... IF NOT EXISTS is not safe against a second server running it at the same moment.
        await using var held = await startupLock.AcquireAsync(cancellationToken);
        await keyStore.CreateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
