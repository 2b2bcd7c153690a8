using System.Collections.Frozen;
using Exchange.V1;

namespace Exchange.Server.Authorization;

/// <summary>
/// The scopes each exchange RPC requires, read from the <c>exchange.v1.required_scopes</c> method
/// option in the protos, so the contract and the enforcement cannot drift apart.
/// </summary>
public sealed class ScopeRequirements
{
    public static readonly IReadOnlyList<Google.Protobuf.Reflection.ServiceDescriptor> Services =
    [
        StatisticsService.Descriptor,
        ReferralService.Descriptor,
        AdminService.Descriptor,
        AccountService.Descriptor,
        MemberService.Descriptor,
        PopulationService.Descriptor,
    ];

    private readonly FrozenDictionary<string, string[]> scopesByPath = Services
        .SelectMany(s => s.Methods)
        .ToFrozenDictionary(m => $"/{m.Service.FullName}/{m.Name}", m => m.GetOptions()?.GetExtension(AccessExtensions.RequiredScopes).ToArray() ?? []);

    // The only services open without a token: probes, tooling and the benchmark's echo (served only
    // when configured), which reveal nothing of the exchange.
    private static readonly FrozenSet<string> OpenServices = FrozenSet.Create(StringComparer.Ordinal,
        "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection", "grpc.reflection.v1.ServerReflection", "exchange.bench.v1.EchoService");

    /// <summary>
    /// Whether a method, by its canonical service name (from the endpoint's metadata, never the raw
    /// request path, whose case routing ignores), may be called without a token.
    /// </summary>
    public static bool IsOpen(string serviceName) => OpenServices.Contains(serviceName);

    /// <summary>The scopes admitting a caller to a method by its canonical full name; empty when it declares none (then nobody is admitted).</summary>
    public IReadOnlyList<string> RequiredScopes(string path) => scopesByPath.GetValueOrDefault(path, []);

    public IEnumerable<string> Paths => scopesByPath.Keys;
}
