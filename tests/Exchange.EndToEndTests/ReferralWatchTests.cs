using Exchange.Client;
using Exchange.V1;
using static Exchange.EndToEndTests.ReferralTestData;

namespace Exchange.EndToEndTests;

/// <summary>The client's watcher against real servers: a recipient that was offline while the server restarted misses nothing.</summary>
public class ReferralWatchTests
{
    [Fact]
    public async Task A_recipient_resumes_after_the_server_restarted_and_gets_exactly_what_it_missed()
    {
        var root = Path.Combine(Path.GetTempPath(), $"exchange-e2e-{Guid.NewGuid():N}");
        try
        {
            string? saved = null;
            var options = new ReferralWatchOptions
            {
                LoadCursor = _ => Task.FromResult(saved),
                SaveCursor = (cursor, _) => { saved = cursor; return Task.CompletedTask; },
                InitialBackoff = TimeSpan.Zero,
            };
            string first;
            await using (var before = new ServerOnDirectory(root))
            {
                await before.InitializeAsync();
                using var police = before.Demo("polisregion-nord");
                using var kramfors = before.Demo("kramfors-kommun");
                first = (await police.Referrals.SendReferralAsync(Referral("kramfors-kommun", DateTimeOffset.UtcNow))).Referral.Id;
                Assert.Equal([first], await WatchAsync(kramfors, options, count: 1));
            }

            await using var after = new ServerOnDirectory(root);
            await after.InitializeAsync();
            using var policeAgain = after.Demo("polisregion-nord");
            using var kramforsAgain = after.Demo("kramfors-kommun");
            var missed = new List<string>();
            for (var i = 0; i < 2; i++)
            {
                missed.Add((await policeAgain.Referrals.SendReferralAsync(Referral("kramfors-kommun", DateTimeOffset.UtcNow))).Referral.Id);
            }

            Assert.Equal(missed, await WatchAsync(kramforsAgain, options, count: 2));
            // The first referral is still there, sealed and readable after the restart.
            var read = await kramforsAgain.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = first });
            Assert.Equal(Personnummer, read.Referral.Subject.Identifier);
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

    /// <summary>Watches until <paramref name="count"/> events were handled; the referral ids, in order.</summary>
    private static async Task<List<string>> WatchAsync(ExchangeClient client, ReferralWatchOptions options, int count)
    {
        var ids = new List<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.Referrals.WatchReferralsAsync(options, (change, _) =>
        {
            ids.Add(change.Referral.Id);
            if (ids.Count == count)
            {
                stop.Cancel();
            }
            return Task.CompletedTask;
        }, stop.Token);
        return ids;
    }
}
