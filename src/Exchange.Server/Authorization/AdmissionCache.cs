using System.Collections.Concurrent;
using Exchange.Server.Storage;

namespace Exchange.Server.Authorization;

/// <summary>
/// Each authority's admission state (the authority and its unrevoked grants) as read at an admission
/// stamp. An entry serves only calls that see the same stamp, so any change to authorities or grants,
/// through any server, retires every entry at once.
/// </summary>
public sealed class AdmissionCache
{
    // Far more than the country's authorities; reached only if tokens name many that do not exist.
    internal const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (long Stamp, State State)> entries = new(StringComparer.Ordinal);

    /// <summary>An authority (null if none has the id) and its unrevoked grants. Shared between calls: never changed.</summary>
    public sealed record State(AuthorityEntity? Authority, IReadOnlyList<GrantEntity> Grants);

    public State? TryGet(string authorityId, long stamp) =>
        entries.TryGetValue(authorityId, out var entry) && entry.Stamp == stamp ? entry.State : null;

    public void Set(string authorityId, long stamp, State state)
    {
        if (entries.Count >= MaxEntries)
        {
            entries.Clear();
        }
        entries[authorityId] = (stamp, state);
    }
}
