using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Server.Validation;

/// <summary>AIP-158 pagination: a page size with a default and a maximum, and an opaque keyset token.</summary>
public static class Paging
{
    public static void CheckPageSize(FieldViolations violations, int pageSize, int max, string field = "page_size") =>
        violations.Require(pageSize >= 0 && pageSize <= max, field, $"Must be 0 (the default) to {max}.");

    public static int Size(int requested, int defaultSize) => requested == 0 ? defaultSize : requested;

    /// <summary>Encodes the last key of a page; the kind keeps a token of one list from being used with another.</summary>
    public static string Encode(string kind, string lastKey) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes($"{kind}:{lastKey}"));

    /// <summary>Decodes a token; null for the first page. Adds a violation for a malformed token.</summary>
    public static string? Decode(FieldViolations violations, string kind, string token, string field = "page_token")
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }
        try
        {
            var text = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(token));
            if (text.StartsWith(kind + ":", StringComparison.Ordinal))
            {
                return text[(kind.Length + 1)..];
            }
        }
        catch (FormatException)
        {
        }
        violations.Add(field, "Not a page token from this list; pass next_page_token unchanged.");
        return null;
    }

    /// <summary>A keyset page key for lists ordered by a time and then a random id (newest first).</summary>
    public static string TimeKey(DateTimeOffset time, string id) => $"{time.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture)}:{id}";

    /// <summary>Reads a key written by <see cref="TimeKey"/>; null when it has another shape.</summary>
    public static (DateTimeOffset Time, string Id)? ParseTimeKey(string? key)
    {
        var parts = key?.Split(':', 2);
        return parts is { Length: 2 } && long.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var ticks) && ticks >= 0 && ticks <= DateTimeOffset.MaxValue.UtcTicks
            ? (new DateTimeOffset(ticks, TimeSpan.Zero), parts[1])
            : null;
    }

    /// <summary>Decodes a token whose key is an audit sequence number; null for the first page.</summary>
    public static long? DecodeSequence(FieldViolations violations, string kind, string token, string field = "page_token")
    {
        var key = Decode(violations, kind, token, field);
        if (key is null)
        {
            return null;
        }
        if (long.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var sequence) && sequence > 0)
        {
            return sequence;
        }
        violations.Add(field, "Not a page token from this list; pass next_page_token unchanged.");
        return null;
    }

    /// <summary>Decodes a token whose key was written by <see cref="TimeKey"/>; null for the first page.</summary>
    public static string? DecodeTimeKey(FieldViolations violations, string kind, string token, string field = "page_token")
    {
        var key = Decode(violations, kind, token, field);
        if (key is not null && ParseTimeKey(key) is null)
        {
            violations.Add(field, "Not a page token from this list; pass next_page_token unchanged.");
            return null;
        }
        return key;
    }
}
