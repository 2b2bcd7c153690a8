using Exchange.V1;
using Grpc.Core;

namespace Exchange.EndToEndTests;

/// <summary>
/// Calls every exchange RPC as every party kind (an authority of its own of each kind, with the kind's
/// typical grants) and compares admitted/denied with the authorisation matrix in README.md. An RPC
/// without a row fails. Admitted calls act (the operator's ReplaceOwnSecret replaces the second demo
/// operator's secret, and operators come only from configuration), so the test has a server of its own.
/// </summary>
public class AuthorizationMatrixTests(ExchangeServer server) : IClassFixture<ExchangeServer>
{
    [Fact]
    public async Task Every_rpc_admits_exactly_the_kinds_the_readme_matrix_names()
    {
        var matrix = ReadmeMatrix.Load();
        var methods = RawCall.ExchangeMethods().ToList();
        var missing = methods.Select(m => $"{m.Service.Name}.{m.Name}").Where(name => !matrix.Rows.ContainsKey(name)).ToList();
        Assert.True(missing.Count == 0, $"README.md's authorisation matrix has no row for: {string.Join(", ", missing)}");
        var unknown = matrix.Rows.Keys.Except(methods.Select(m => $"{m.Service.Name}.{m.Name}")).ToList();
        Assert.True(unknown.Count == 0, $"README.md's authorisation matrix names RPCs that do not exist: {string.Join(", ", unknown)}");

        var clients = new Dictionary<string, Exchange.Client.ExchangeClient>();
        var mismatches = new List<string>();
        try
        {
            foreach (var kind in matrix.Kinds)
            {
                clients[kind] = kind == "operator" ? server.Operator() : (await NewAuthorityWithTypicalGrantsAsync(kind)).Client;
            }
            foreach (var method in methods)
            {
                var name = $"{method.Service.Name}.{method.Name}";
                foreach (var kind in matrix.Kinds)
                {
                    var admitted = method.Service == AccountService.Descriptor
                        ? await IsAdmittedToAccountAsync(kind, method)
                        : await IsAdmittedAsync(clients[kind], method);
                    if (admitted != matrix.Rows[name][kind])
                    {
                        mismatches.Add($"{name} as {kind}: README says {(matrix.Rows[name][kind] ? "allowed" : "denied")}, server {(admitted ? "admitted" : "denied")}");
                    }
                }
            }
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }
        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
    }

    /// <summary>
    /// AccountService acts on the caller's own credentials (ReplaceOwnSecret replaces them), so each
    /// call is made by a fresh authority of the kind with its typical grants, with the account scope.
    /// </summary>
    private async Task<bool> IsAdmittedToAccountAsync(string kind, Google.Protobuf.Reflection.MethodDescriptor method)
    {
        if (kind == "operator")
        {
            // Operators cannot be created through the API: the demo seed's second operator, with its key (which ReplaceOwnSecret leaves alone).
            using var second = server.Connect(o => { o.UseCredentialFile(server.DemoCredentialPath(ExchangeServer.SecondOperatorId)); o.ClientSecret = null; o.Scopes.Add("account"); });
            return await IsAdmittedAsync(second, method);
        }
        var (fresh, id) = await NewAuthorityWithTypicalGrantsAsync(kind);
        using var _ = fresh;
        using var account = server.Connect(o => { o.ClientId = id; o.ClientSecret = fresh.Options.ClientSecret; o.Scopes.Add("account"); });
        return await IsAdmittedAsync(account, method);
    }

    /// <summary>A fresh authority of the kind (a README column) with the grants the kind typically gets, as the demo seed gives them.</summary>
    private Task<(Exchange.Client.ExchangeClient Client, string AuthorityId)> NewAuthorityWithTypicalGrantsAsync(string kind)
    {
        var typical = Exchange.Server.Authorization.KindPolicy.TypicalScopes(Enum.Parse<Exchange.Server.Storage.PartyKind>(kind, ignoreCase: true));
        return server.NewAuthorityAsync(Enum.Parse<AuthorityKind>(kind, ignoreCase: true), [.. typical]);
    }

    /// <summary>Sends an empty request (zero bytes is a valid empty message) and reads whether access control let it through.</summary>
    private static async Task<bool> IsAdmittedAsync(Exchange.Client.ExchangeClient client, Google.Protobuf.Reflection.MethodDescriptor method)
    {
        var token = await client.Tokens.GetTokenAsync();
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(client.Options.Address!);
        var status = await RawCall.InvokeAsync(channel.CreateCallInvoker(), method, method.Service.FullName, new Metadata { { "Authorization", $"Bearer {token.Value}" } });
        return status switch
        {
            StatusCode.PermissionDenied or StatusCode.Unauthenticated => false,
            // Past access control, an empty request meets validation, a missing resource or an RPC to come.
            StatusCode.OK or StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.FailedPrecondition or StatusCode.Unimplemented => true,
            _ => throw new InvalidOperationException($"{method.FullName} answered {status}: neither a decision of access control nor of the method."),
        };
    }
}

/// <summary>Every exchange RPC refuses a caller without a token, however its path is spelt.</summary>
[Collection(SharedServer.Name)]
public class AnonymousAccessTests(ExchangeServer server)
{
    [Fact]
    public async Task Every_rpc_without_a_token_is_unauthenticated()
    {
        using var channel = server.AnonymousChannel();
        var invoker = channel.CreateCallInvoker();
        var wrong = new List<string>();
        foreach (var method in RawCall.ExchangeMethods())
        {
            var status = await RawCall.InvokeAsync(invoker, method, method.Service.FullName, []);
            if (status != StatusCode.Unauthenticated)
            {
                wrong.Add($"{method.FullName}: {status}");
            }
        }
        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    [Theory]
    [InlineData("Exchange.v1")]
    [InlineData("EXCHANGE.V1")]
    public async Task Rpc_path_in_another_case_is_never_let_through(string package)
    {
        using var channel = server.AnonymousChannel();
        var invoker = channel.CreateCallInvoker();
        var wrong = new List<string>();
        foreach (var method in RawCall.ExchangeMethods())
        {
            var status = await RawCall.InvokeAsync(invoker, method, $"{package}.{method.Service.Name}", []);
            if (status is not (StatusCode.Unauthenticated or StatusCode.Unimplemented))
            {
                wrong.Add($"{package}.{method.Service.Name}/{method.Name}: {status}");
            }
        }
        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }
}

/// <summary>Calls any RPC with an empty message, whatever its request and response types, and returns its status.</summary>
internal static class RawCall
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    public static IEnumerable<Google.Protobuf.Reflection.MethodDescriptor> ExchangeMethods() =>
        new[] { StatisticsService.Descriptor, ReferralService.Descriptor, AdminService.Descriptor, AccountService.Descriptor, MemberService.Descriptor, PopulationService.Descriptor }.SelectMany(s => s.Methods);

    public static async Task<StatusCode> InvokeAsync(CallInvoker invoker, Google.Protobuf.Reflection.MethodDescriptor method, string serviceName, Metadata headers)
    {
        var type = (method.IsClientStreaming, method.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (true, false) => MethodType.ClientStreaming,
            (false, true) => MethodType.ServerStreaming,
            _ => MethodType.DuplexStreaming,
        };
        var rpc = new Method<byte[], byte[]>(type, serviceName, method.Name, Bytes, Bytes);
        var options = new CallOptions(headers, DateTime.UtcNow.AddSeconds(10));
        try
        {
            switch (type)
            {
                case MethodType.Unary:
                    await invoker.AsyncUnaryCall(rpc, null, options, []);
                    break;
                case MethodType.ClientStreaming:
                    using (var call = invoker.AsyncClientStreamingCall(rpc, null, options))
                    {
                        await call.RequestStream.CompleteAsync();
                        await call.ResponseAsync;
                    }
                    break;
                default:
                    // A watch holds its stream open: a refusal ends it at once, an admitted call waits for events.
                    using (var call = invoker.AsyncServerStreamingCall(rpc, null, options, []))
                    {
                        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                        try
                        {
                            await call.ResponseStream.MoveNext(wait.Token);
                        }
                        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && wait.IsCancellationRequested)
                        {
                        }
                    }
                    break;
            }
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }
}

/// <summary>The "Authorisation matrix" table of README.md: one row per RPC, one column per party kind.</summary>
internal sealed record ReadmeMatrix(IReadOnlyList<string> Kinds, IReadOnlyDictionary<string, IReadOnlyDictionary<string, bool>> Rows)
{
    public static ReadmeMatrix Load()
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "README.md"));
        var start = Array.FindIndex(lines, l => l.StartsWith("## Authorisation matrix", StringComparison.Ordinal));
        Assert.True(start >= 0, "README.md has no '## Authorisation matrix' section.");
        var table = lines.Skip(start + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).ToList();
        static string[] Cells(string line) => line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
        var kinds = Cells(table[0]).Skip(1).ToList();
        var rows = new Dictionary<string, IReadOnlyDictionary<string, bool>>();
        foreach (var line in table.Skip(2))
        {
            var cells = Cells(line);
            var rpc = cells[0].Trim('`');
            rows[rpc] = kinds.Select((kind, i) => (kind, allowed: cells[i + 1] switch
            {
                "✓" => true,
                "–" or "-" or "" => false,
                var other => throw new InvalidDataException($"README matrix cell '{other}' for {rpc}/{kind}: use ✓ or –."),
            })).ToDictionary(x => x.kind, x => x.allowed);
        }
        return new ReadmeMatrix(kinds, rows);
    }
}
