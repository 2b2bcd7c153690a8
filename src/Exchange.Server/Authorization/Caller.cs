using Exchange.Server.Storage;
using Grpc.Core;

namespace Exchange.Server.Authorization;

/// <summary>The authenticated authority behind a call, as checked against the store for this call.</summary>
public sealed record Caller(string AuthorityId, PartyKind Kind, IReadOnlyList<string> AreaCodes, IReadOnlySet<string> Scopes)
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
