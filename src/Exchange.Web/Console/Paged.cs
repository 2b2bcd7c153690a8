namespace Exchange.Web.Console;

/// <summary>Lists that come in pages, read whole (as exchange-admin does): an authority has few grants and credentials, the exchange few authorities.</summary>
public static class Paged
{
    /// <summary>Calls <paramref name="fetch"/> with each next page token until the last page, or until <paramref name="limit"/> items.</summary>
    public static async Task<List<T>> AllAsync<T>(Func<string, Task<(IEnumerable<T> Items, string NextPageToken)>> fetch, int limit = 10_000)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        var all = new List<T>();
        var token = "";
        do
        {
            var (items, next) = await fetch(token);
            all.AddRange(items);
            token = next;
        }
        while (token.Length > 0 && all.Count < limit);
        return all;
    }
}
