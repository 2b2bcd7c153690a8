namespace Exchange.EndToEndTests;

/// <summary>A wrong setting stops the server before it listens, with a message naming the setting.</summary>
public class ConfigurationTests
{
    /// <summary>The default server with one setting changed.</summary>
    private sealed class MisconfiguredServer(string key, string value) : ExchangeServer
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings) { [key] = value };
    }

    [Theory]
    [InlineData("Exchange:Tokens:AccessTokenLifetime", "00:00:02", "AccessTokenLifetime must be 1 minute to 1 day")]
    [InlineData("Exchange:Tokens:FailureThrottle:Window", "00:00:01", "FailureThrottle:Window")]
    [InlineData("Exchange:RateLimits:Burst", "many", "Exchange:RateLimits:Burst")]
    [InlineData("Exchange:RateLimits:CallsPerSecondPerAuthority", "-1", "CallsPerSecondPerAuthority must be 0 (off) to 1,000,000")]
    [InlineData("Exchange:Audit:DenialWindow", "00:00:00", "DenialWindow must be 1 second to 1 day")]
    [InlineData("Exchange:Storage:Provider", "Oracle", "Provider must be Sqlite or Postgres")]
    public async Task Setting_out_of_range_stops_start_up_naming_it(string key, string value, string message)
    {
        await using var server = new MisconfiguredServer(key, value);

        var error = await Assert.ThrowsAnyAsync<Exception>(server.InitializeAsync);

        Assert.Contains(message, Errors.AllMessages(error), StringComparison.Ordinal);
        Assert.False(File.Exists(server.OperatorCredentialPath), "nothing is written before the settings are checked");
    }
}
