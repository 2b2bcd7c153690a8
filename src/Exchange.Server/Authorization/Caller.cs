using Exchange.Server.Storage;
using Grpc.Core;

namespace Exchange.Server.Authorization;

/// <summary>The authenticated authority behind a call, as checked against the store for this call.</summary>
/// <param name="AuthorityId">The authority, from its token.</param>
/// <param name="Kind">The authority's kind.</param>
/// <param name="AreaCodes">The areas (county or kommun codes) the authority covers.</param>
/// <param name="Scopes">The scopes the call may use: the token's, within valid grants (and a person's roles).</param>
/// <param name="MemberId">The person's membership when a person acts for the authority through the web app; null for the authority's own system.</param>
public sealed record Caller(string AuthorityId, PartyKind Kind, IReadOnlyList<string> AreaCodes, IReadOnlySet<string> Scopes, string? MemberId = null)
{
    public bool Has(string scope) => Scopes.Contains(scope);
}

public static class CallerExtensions
{
    private static readonly object Key = new();

    internal static void SetCaller(this ServerCallContext context, Caller caller) => context.GetHttpContext().Items[Key] = caller;

    /// <summary>The caller the access interceptor admitted. Exchange RPCs never run without one.</summary>
    public static Caller GetCaller(this ServerCallContext context) =>
        context.GetHttpContext().Items[Key] as Caller
        ?? throw new InvalidOperationException("The call was not authorised by the access interceptor.");
}
