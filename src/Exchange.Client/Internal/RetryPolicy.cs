using Exchange.V1;
using Grpc.Core;
using Grpc.Net.Client.Configuration;

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

    public static ServiceConfig Create(int maxAttempts)
    {
        var config = new MethodConfig
        {
            RetryPolicy = new RetryPolicy
            {
                MaxAttempts = maxAttempts,
                InitialBackoff = TimeSpan.FromMilliseconds(200),
                MaxBackoff = TimeSpan.FromSeconds(5),
                BackoffMultiplier = 2,
                RetryableStatusCodes = { StatusCode.Unavailable },
            },
        };
        foreach (var method in IdempotentMethods())
        {
            config.Names.Add(new MethodName { Service = method.Service.FullName, Method = method.Name });
        }
        return new ServiceConfig { MethodConfigs = { config } };
    }
}
