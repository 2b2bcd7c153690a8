using Exchange.V1;
using Grpc.Core;

namespace Exchange.Client.Internal;

/// <summary>
/// Which calls may be retried: reads, and writes made idempotent by a <c>request_id</c>. Anything
/// else (creating an authority, issuing a secret, an upload stream) is attempted once.
/// </summary>
internal static class RetryPolicies
{
    private static readonly string[] ReadPrefixes = ["Get", "List", "Query"];

    public static IEnumerable<Google.Protobuf.Reflection.MethodDescriptor> IdempotentMethods() =>
        new[] { StatisticsService.Descriptor, ReferralService.Descriptor, AdminService.Descriptor }
            .SelectMany(s => s.Methods)
            .Where(m => !m.IsClientStreaming && !m.IsServerStreaming)
            .Where(m => ReadPrefixes.Any(p => m.Name.StartsWith(p, StringComparison.Ordinal)) || m.InputType.FindFieldByName("request_id") is not null);

    private static readonly HashSet<string> Idempotent = [.. IdempotentMethods().Select(m => $"/{m.Service.FullName}/{m.Name}")];

    /// <summary>Whether a call of <paramref name="method"/> may be sent again after it failed.</summary>
    public static bool IsIdempotent(IMethod method) => method.Type == MethodType.Unary && Idempotent.Contains(method.FullName);
}
