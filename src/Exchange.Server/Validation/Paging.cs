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
}
