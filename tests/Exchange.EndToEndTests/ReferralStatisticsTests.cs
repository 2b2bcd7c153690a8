using Exchange.Server.Referrals;
using Exchange.V1;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using static Exchange.EndToEndTests.ReferralTestData;

namespace Exchange.EndToEndTests;

/// <summary>A server of its own, so that the month's referrals are only this test's.</summary>
public sealed class ReferralStatisticsServer : ExchangeServer;

/// <summary>The exchange's own indicator: the county follows referrals through QueryStatistics, under disclosure control, without seeing a person.</summary>
public class ReferralStatisticsTests(ReferralStatisticsServer server) : IClassFixture<ReferralStatisticsServer>
{
    [Fact]
    public async Task The_county_reads_referrals_by_outcome_as_protected_counts_and_nobody_reports_them()
    {
        var (police, _) = await server.NewAuthorityInAsync(AuthorityKind.Police, ["22"], "referrals.send", "statistics.report");
        var (kramfors, kramforsId) = await server.NewRecipientAsync(AuthorityKind.Municipality, AuthorityKind.Police);
        var (county, _) = await server.NewAuthorityInAsync(AuthorityKind.County, ["22"], "statistics.read");
        using var _ = police;
        using var __ = kramfors;
        using var ___ = county;
        var now = DateTimeOffset.UtcNow;
        var sent = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            sent.Add((await police.Referrals.SendReferralAsync(Referral(kramforsId, now))).Referral.Id);
        }
        await kramfors.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = sent[0] });
        await kramfors.Referrals.UpdateReferralStatusAsync(new UpdateReferralStatusRequest { RequestId = "a", ReferralId = sent[0], Status = ReferralStatus.Accepted });

        var counting = server.Services.GetRequiredService<ReferralStatistics>();
        Assert.True(await counting.CountAsync(CancellationToken.None) > 0);
        // Unchanged counts store nothing; a changed outcome stores its month again.
        Assert.Equal(0, await counting.CountAsync(CancellationToken.None));
        await kramfors.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = sent[1] });
        await kramfors.Referrals.UpdateReferralStatusAsync(new UpdateReferralStatusRequest { RequestId = "r", ReferralId = sent[1], Status = ReferralStatus.Rejected, RejectionReason = RejectionReason.NoCapacity });
        Assert.Equal(ReferralStatistics.SenderKinds.Length * ReferralStatistics.RecipientKinds.Length * ReferralStatistics.Reasons.Length * ReferralStatistics.Outcomes.Length,
            await counting.CountAsync(CancellationToken.None));

        var month = new Period { Type = PeriodType.Month, Year = now.UtcDateTime.Year, Number = now.UtcDateTime.Month };
        var cells = await county.QueryEveryPageAsync(new QueryStatisticsRequest
        {
            IndicatorCode = ReferralStatistics.IndicatorCode, FromPeriod = month, AreaLevel = AreaLevel.County, GroupBy = { "outcome" }, IncludeTotals = true,
        });
        string Value(ResultCell c) => c.Dimensions.Single().Value;
        Assert.Equal((CellStatus.Free, 6L), (cells.Single(c => Value(c) == "").Status, cells.Single(c => Value(c) == "").Count));
        // One accepted referral is a small count: never shown (A, or D inside the year's A).
        Assert.NotEqual(CellStatus.Free, cells.Single(c => Value(c) == "accepted").Status);
        Assert.False(cells.Single(c => Value(c) == "accepted").HasCount);
        Assert.DoesNotContain(cells, c => c.Status == CellStatus.Free && c.Count is >= 1 and <= 4);

        var reported = await RpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await police.Statistics.SubmitStatisticsAsync(new SubmitStatisticsRequest
        {
            RequestId = "r1",
            Cells =
            {
                new Cell
                {
                    IndicatorCode = ReferralStatistics.IndicatorCode, Period = month, AreaCode = "22", Count = 1,
                    Dimensions =
                    {
                        new DimensionValue { Dimension = "sender_kind", Value = "police" }, new DimensionValue { Dimension = "recipient_kind", Value = "shelter" },
                        new DimensionValue { Dimension = "reason_category", Value = "other" }, new DimensionValue { Dimension = "outcome", Value = "pending" },
                    },
                },
            },
        }));
        Assert.Contains("indicator_code", reported.Status.Detail, StringComparison.Ordinal);
    }
}
