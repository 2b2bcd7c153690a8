namespace Exchange.Client.Internal;

/// <summary>The idempotency keys the server takes as <c>request_id</c>: 1–64 letters, digits, '-' or '_'.</summary>
internal static class RequestIds
{
    public static bool IsValid(string id) =>
        id.Length is >= 1 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>The caller's id when it gave one, else a new UUID; an id the server would refuse throws here, before anything is sent.</summary>
    public static string OrNew(string? requestId, string paramName) =>
        requestId is null ? Guid.NewGuid().ToString()
        : IsValid(requestId) ? requestId
        : throw new ArgumentException("A request id is 1–64 letters, digits, '-' or '_' (a UUID is recommended); pass null for a new UUID.", paramName);
}
