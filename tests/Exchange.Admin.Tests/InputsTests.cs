using Exchange.Admin.Commands;

namespace Exchange.Admin.Tests;

public class InputsTests
{
    [Theory]
    // Winter: Sweden is UTC+1; summer: UTC+2.
    [InlineData("2026-01-15", false, "2026-01-14T23:00:00+00:00")]
    [InlineData("2026-01-15", true, "2026-01-15T23:00:00+00:00")]
    [InlineData("2026-07-01", false, "2026-06-30T22:00:00+00:00")]
    [InlineData("2026-12-31", true, "2026-12-31T23:00:00+00:00")]
    [InlineData("2026-07-01T08:00", false, "2026-07-01T06:00:00+00:00")]
    [InlineData("2026-07-01T08:00Z", true, "2026-07-01T08:00:00+00:00")]
    [InlineData("2026-07-01T08:00+02:00", false, "2026-07-01T06:00:00+00:00")]
    public void A_date_is_a_whole_swedish_day_and_a_time_without_offset_is_swedish(string typed, bool end, string utc) =>
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), Inputs.Parse(typed, "--to", end).ToUniversalTime());

    [Fact]
    public void Something_else_is_a_usage_error_naming_the_option() =>
        Assert.Contains("--to", Assert.Throws<AdminUsageException>(() => Inputs.Parse("next tuesday", "--to", true)).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("1001")]
    public async Task A_limit_out_of_range_or_not_a_number_is_refused_plainly(string limit)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await AdminApp.RunAsync(["audit", "list", "--limit", limit], output, error);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--limit must be a whole number from 1 to 1000", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("System.Int32", error.ToString(), StringComparison.Ordinal);
    }
}
