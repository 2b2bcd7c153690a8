using System.Security.Cryptography;
using Exchange.V1;
using Grpc.Core;
using static Exchange.EndToEndTests.ReferralTestData;

namespace Exchange.EndToEndTests;

/// <summary>Rotating the key-encryption key: new referrals use the new key, old ones stay readable, a re-wrap lets the old key go.</summary>
public class ReferralKeyRotationTests
{
    private sealed class KeyedServer(string root, Dictionary<string, string> keys, string active) : ExchangeServer(root)
    {
        protected override IDictionary<string, string?> Settings
        {
            get
            {
                var settings = base.Settings;
                foreach (var (id, key) in keys)
                {
                    settings[$"Exchange:Referrals:KeyEncryptionKeys:{id}"] = key;
                }
                settings["Exchange:Referrals:ActiveKeyEncryptionKey"] = active;
                return settings;
            }
        }
    }

    [Fact]
    public async Task After_a_rewrap_the_earlier_key_can_be_removed_and_every_referral_stays_readable()
    {
        var root = Path.Combine(Path.GetTempPath(), $"exchange-e2e-{Guid.NewGuid():N}");
        var old = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var current = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        try
        {
            string first;
            await using (var before = new KeyedServer(root, new() { ["2025"] = old }, "2025"))
            {
                await before.InitializeAsync();
                using var police = before.Demo("polisregion-nord");
                first = (await police.Referrals.SendReferralAsync(Referral("kramfors-kommun", DateTimeOffset.UtcNow))).Referral.Id;
            }

            string second;
            await using (var rotated = new KeyedServer(root, new() { ["2025"] = old, ["2026"] = current }, "2026"))
            {
                await rotated.InitializeAsync();
                using var police = rotated.Demo("polisregion-nord");
                using var kramfors = rotated.Demo("kramfors-kommun");
                using var admin = rotated.Operator();
                second = (await police.Referrals.SendReferralAsync(Referral("kramfors-kommun", DateTimeOffset.UtcNow))).Referral.Id;
                await kramfors.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = first });

                await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await admin.Admin.RewrapReferralKeysAsync(new RewrapReferralKeysRequest()));
                var rewrapped = await admin.Admin.RewrapReferralKeysAsync(new RewrapReferralKeysRequest { Reason = "key rotation, change 2026-88" });
                Assert.Equal((1, "2026"), (rewrapped.RewrappedCount, rewrapped.KeyEncryptionKeyId));
                Assert.Equal(0, (await admin.Admin.RewrapReferralKeysAsync(new RewrapReferralKeysRequest { Reason = "again" })).RewrappedCount);
            }

            await using var after = new KeyedServer(root, new() { ["2026"] = current }, "2026");
            await after.InitializeAsync();
            using var reader = after.Demo("kramfors-kommun");
            foreach (var id in new[] { first, second })
            {
                Assert.Equal(Personnummer, (await reader.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = id })).Referral.Subject.Identifier);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }
}
