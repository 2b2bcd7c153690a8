namespace Exchange.EndToEndTests;

/// <summary>
/// Waits for what the server does in the background (writing counted denials, a health publisher's
/// first run, a file written once it listens): reads until the condition holds or a generous limit
/// passes, then returns the last value read, for the caller's assertion to show.
/// </summary>
public static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(30));
        var value = await read();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            value = await read();
        }
        return value;
    }
}
