using System.Collections.Frozen;
using Exchange.V1;

namespace Exchange.Server.Authorization;

/// <summary>
/// The scopes each exchange RPC requires, read from the <c>exchange.v1.required_scopes</c> method
/// option in the protos, so the contract and the enforcement cannot drift apart.
/// </summary>
public sealed class RpcAccessRules
{
    public static readonly IReadOnlyList<Google.Protobuf.Reflection.ServiceDescriptor> Services =
    [
        StatisticsService.Descriptor,
        ReferralService.Descriptor,
        AdminService.Descriptor,
    ];

    private readonly FrozenDictionary<string, string[]> scopesByPath = Services
        .SelectMany(s => s.Methods)
        .ToFrozenDictionary(m => $"/{m.Service.FullName}/{m.Name}", m => m.GetOptions()?.GetExtension(AccessExtensions.RequiredScopes).ToArray() ?? []);

    /// <summary>Whether the path (e.g. <c>/exchange.v1.AdminService/GetAuthority</c>) is an exchange RPC, which is never open.</summary>
    public static bool IsExchangeMethod(string path) => path.StartsWith("/exchange.", StringComparison.Ordinal);

    /// <summary>The scopes admitting a caller, any one of which suffices; empty when the RPC declares none (then nobody is admitted).</summary>
    public IReadOnlyList<string> RequiredScopes(string path) => scopesByPath.GetValueOrDefault(path, []);

    public IEnumerable<string> Paths => scopesByPath.Keys;
}
