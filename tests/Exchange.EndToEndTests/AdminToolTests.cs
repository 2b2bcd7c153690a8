using System.Diagnostics;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text.Json;

namespace Exchange.EndToEndTests;

/// <summary>
/// exchange-admin as a real process against a running server. Its only hint is XDG_DATA_HOME, the
/// same user data home the server's data directory sits in, so it must find the operator credential
/// by itself — as on a developer's machine.
/// </summary>
[Collection(SharedServer.Name)]
[UnsupportedOSPlatform("windows")]
public class AdminToolTests(ExchangeServer server)
{
    [Fact]
    public async Task Operator_onboards_an_authority_with_its_key_and_a_grant_and_cannot_add_more()
    {
        var id = $"cli-{Guid.NewGuid():N}"[..16];
        var add = await Run("authority", "add", id, "--name", "Timrå kvinnojour", "--kind", "shelter", "--org-number", ExchangeServer.NewOrganisationNumber(shelter: true), "--area", "2262");
        Assert.Equal(0, add.ExitCode);
        Assert.Contains($"Registered {id}", add.Output);

        var grant = await Run("grant", "add", id, "--scope", "referrals.receive", "--reason", "Samverkansavtal 2026");
        Assert.Equal(0, grant.ExitCode);

        using var rsa = RSA.Create(2048);
        var keyFile = Path.Combine(server.Root, $"{id}.pub.pem");
        await File.WriteAllTextAsync(keyFile, rsa.ExportSubjectPublicKeyInfoPem());
        var addKey = await Run("credential", "add-key", id, "--public-key", keyFile, "--key-id", $"{id}-1");
        Assert.Equal(0, addKey.ExitCode);

        // Onboarding is done: a second credential from the operator is refused, and the tool says what to do instead.
        var secret = await Run("credential", "add-secret", id);
        Assert.Equal(1, secret.ExitCode);
        Assert.Contains("FAILED_PRECONDITION", secret.Error);
        Assert.Contains("credential propose", secret.Error);

        // The authority adds a secret itself, with its key.
        using (var withKey = server.Connect(o => { o.ClientId = id; o.PrivateKeyPem = rsa.ExportPkcs8PrivateKeyPem(); o.KeyId = $"{id}-1"; }))
        {
            Assert.Equal(["referrals.receive"], (await withKey.Tokens.GetTokenAsync()).Scopes);
            var own = await withKey.Account.ReplaceOwnSecretAsync(new Exchange.V1.ReplaceOwnSecretRequest());
            using var withSecret = server.Connect(o => { o.ClientId = id; o.ClientSecret = own.ClientSecret; });
            Assert.Equal(["referrals.receive"], (await withSecret.Tokens.GetTokenAsync()).Scopes);
        }

        var show = await Run("authority", "show", id);
        Assert.Equal(0, show.ExitCode);
        Assert.Contains("public-key", show.Output);
        Assert.Contains("referrals.receive", show.Output);

        var list = await Run("authority", "list", "--json");
        var ids = JsonDocument.Parse(list.Output).RootElement.GetProperty("authorities").EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToList();
        Assert.Contains(id, ids);
        Assert.Contains("sundsvall-kommun", ids);
    }

    [Fact]
    public async Task Disable_and_revoke_take_effect_through_the_tool()
    {
        var (client, id) = await server.NewAuthorityAsync(Exchange.V1.AuthorityKind.Region, "statistics.read");
        using var _ = client;
        await client.Statistics.ListIndicatorsAsync(new Exchange.V1.ListIndicatorsRequest());

        Assert.Equal(0, (await Run("authority", "disable", id, "--reason", "agreement ended")).ExitCode);
        await RpcAssert.FailsWith(Grpc.Core.StatusCode.PermissionDenied, async () => await client.Statistics.ListIndicatorsAsync(new Exchange.V1.ListIndicatorsRequest()));
        Assert.Equal(0, (await Run("authority", "enable", id, "--reason", "renewed")).ExitCode);
        // The token from before the disable stays ended; the client then gets a new one.
        await RpcAssert.FailsWith(Grpc.Core.StatusCode.Unauthenticated, async () => await client.Statistics.ListIndicatorsAsync(new Exchange.V1.ListIndicatorsRequest()));
        await client.Statistics.ListIndicatorsAsync(new Exchange.V1.ListIndicatorsRequest());

        var grants = JsonDocument.Parse((await Run("grant", "list", "--authority", id, "--json")).Output).RootElement.GetProperty("grants");
        var grantId = grants.EnumerateArray().Single().GetProperty("id").GetString()!;
        Assert.Equal(0, (await Run("grant", "revoke", grantId, "--reason", "no longer needed")).ExitCode);
        await RpcAssert.FailsWith(Grpc.Core.StatusCode.Unauthenticated, async () => await client.Statistics.ListIndicatorsAsync(new Exchange.V1.ListIndicatorsRequest()));
        await Assert.ThrowsAsync<Exchange.Client.ExchangeAuthenticationException>(async () => await client.Tokens.GetTokenAsync());

        var again = await Run("grant", "revoke", grantId, "--reason", "twice");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("FAILED_PRECONDITION", again.Error);
    }

    [Fact]
    public async Task Break_glass_through_the_tool_needs_a_second_operator()
    {
        var (client, id) = await server.NewAuthorityAsync(Exchange.V1.AuthorityKind.Shelter, "statistics.report");
        client.Dispose();
        var second = server.DemoCredentialPath(ExchangeServer.SecondOperatorId);
        using var rsa = RSA.Create(2048);
        var keyFile = Path.Combine(server.Root, $"{id}-new.pub.pem");
        await File.WriteAllTextAsync(keyFile, rsa.ExportSubjectPublicKeyInfoPem());

        var proposed = await Run("credential", "propose", id, "--public-key", keyFile, "--key-id", "replacement", "--revoke-existing", "--reason", "lost secret, request 2026-119", "--json");
        Assert.Equal(0, proposed.ExitCode);
        var changeId = JsonDocument.Parse(proposed.Output).RootElement.GetProperty("change").GetProperty("id").GetString()!;

        var bySameOperator = await Run("credential", "approve", changeId, "--reason", "self");
        Assert.Equal(1, bySameOperator.ExitCode);
        Assert.Contains("hint: another operator", bySameOperator.Error);

        var pending = await Run("credential", "changes", "--credential", second);
        Assert.Contains(changeId, pending.Output);
        var approved = await Run("credential", "approve", changeId, "--reason", "verified in person", "--credential", second);
        Assert.Equal(0, approved.ExitCode);
        using var recovered = server.Connect(o => { o.ClientId = id; o.PrivateKeyPem = rsa.ExportPkcs8PrivateKeyPem(); o.KeyId = "replacement"; });
        await recovered.Tokens.GetTokenAsync();
    }

    [Fact]
    public async Task Authority_replaces_its_secret_with_the_tool_and_the_file_keeps_working()
    {
        var (client, id) = await server.NewAuthorityAsync(Exchange.V1.AuthorityKind.Shelter, "statistics.report");
        var file = Path.Combine(server.Root, $"{id}.json");
        new Exchange.Contracts.CredentialFile { Server = server.Address.ToString(), ClientId = id, ClientSecret = client.Options.ClientSecret }.Save(file);
        client.Dispose();

        var replaced = await Run("account", "replace-secret", "--credential", file);
        Assert.Equal(0, replaced.ExitCode);
        var rewritten = Exchange.Contracts.CredentialFile.Load(file);
        Assert.Contains(rewritten.ClientSecret!, replaced.Output);
        var events = await Run("account", "events", "--credential", file);
        Assert.Equal(0, events.ExitCode);
        Assert.Contains("credential.secret_added", events.Output);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    public async Task Indicator_show_update_and_disable()
    {
        var code = $"ind_{Guid.NewGuid():N}"[..20];
        Assert.Equal(0, (await Run("indicator", "add", code, "--name", "Test", "--goal", "2", "--unit", "persons", "--reporter-kind", "shelter")).ExitCode);

        var unexplained = await Run("indicator", "update", code, "--threshold", "3");
        Assert.NotEqual(0, unexplained.ExitCode);
        Assert.Contains("--reason", unexplained.Output + unexplained.Error);
        Assert.Equal(0, (await Run("indicator", "update", code, "--name", "Renamed", "--threshold", "7", "--reason", "samverkansrådet 2026-11-12 §4")).ExitCode);
        var shown = await Run("indicator", "show", code, "--json");
        Assert.Equal(0, (await Run("indicator", "disable", code, "--reason", "replaced by a new indicator")).ExitCode);
        var disabled = await Run("indicator", "show", code, "--json");
        var audit = await Run("audit", "list", "--limit", "20");
        Assert.Contains("samverkansrådet 2026-11-12 §4", audit.Output);
        Assert.Contains("replaced by a new indicator", audit.Output);

        var indicator = JsonDocument.Parse(shown.Output).RootElement.GetProperty("indicator");
        Assert.Equal(("Renamed", 7, "persons"), (indicator.GetProperty("name").GetString(), indicator.GetProperty("suppressionThreshold").GetInt32(), indicator.GetProperty("unit").GetString()));
        Assert.False(JsonDocument.Parse(disabled.Output).RootElement.GetProperty("indicator").GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task The_tool_waits_for_a_server_that_is_still_writing_its_credential()
    {
        var home = Path.Combine(server.Root, $"home-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(home, "exchange"));
        var tool = AdminTool.Start(home, "authority", "list");

        // The credential appears only once the tool has said it is waiting for it.
        string? waiting;
        try
        {
            waiting = await tool.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            tool.Kill(entireProcessTree: true);
            throw;
        }
        File.Copy(server.OperatorCredentialPath, Path.Combine(home, "exchange", "operator-credential.json"));
        var result = await AdminTool.FinishAsync(tool);

        Assert.Contains("waiting for the server to finish starting", waiting);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("sundsvall-kommun", result.Output);
    }

    [Fact]
    public async Task Indicator_add_and_list()
    {
        var code = $"cli_indicator_{Guid.NewGuid():N}"[..24];
        var add = await Run("indicator", "add", code, "--name", "Contacts with the shelter", "--goal", "2", "--unit", "contacts",
            "--reporter-kind", "shelter", "--dimension", "victim_sex=female,male,other", "--threshold", "3");
        Assert.Equal(0, add.ExitCode);

        var list = await Run("indicator", "list");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains(code, list.Output);
        Assert.Contains("police_reported_offences_close_relationship", list.Output);
    }

    [Fact]
    public async Task Server_refusal_prints_the_field_violations_and_exits_1()
    {
        var result = await Run("authority", "add", "bad-number", "--name", "X", "--kind", "police", "--org-number", "202100-0077");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("INVALID_ARGUMENT", result.Error);
        Assert.Contains("authority.organisation_number", result.Error);
    }

    [Fact]
    public async Task Bad_arguments_exit_2_and_a_missing_credential_exits_3()
    {
        var usage = await Run("grant", "add", "sundsvall-kommun", "--scope", "everything", "--reason", "x");
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("everything", usage.Error);

        var noCredential = await Run("authority", "list", "--credential", Path.Combine(server.Root, "missing.json"));
        Assert.Equal(3, noCredential.ExitCode);
        Assert.Contains("No operator credential", noCredential.Error);
    }

    [Fact]
    public async Task Operator_registers_a_person_by_reference_changes_the_roles_and_removes_the_membership()
    {
        var reference = Exchange.Contracts.PersonReference.Format(string.Concat(Enumerable.Range(0, 20).Select(_ => Exchange.Contracts.PersonReference.Alphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(32)])));
        var add = await Run("member", "add", "timra-kommun", "--person", reference, "--name", "Tove Handläggare", "--role", "case-worker");
        Assert.Equal(0, add.ExitCode);
        var memberId = System.Text.RegularExpressions.Regex.Match(add.Output, @"member (m-[0-9a-f]{16})").Groups[1].Value;
        Assert.NotEmpty(memberId);

        var roles = await Run("member", "roles", memberId, "--role", "case-worker", "--role", "analyst");
        Assert.Equal(0, roles.ExitCode);
        var list = await Run("member", "list", "timra-kommun");
        Assert.Contains(list.Output.Split('\n'), line => line.Contains(memberId, StringComparison.Ordinal) && line.Contains("case-worker, analyst", StringComparison.Ordinal) && line.Contains(reference, StringComparison.Ordinal));

        var badRole = await Run("member", "add", "timra-kommun", "--person", reference, "--name", "X", "--role", "boss");
        Assert.Equal(2, badRole.ExitCode);
        var remove = await Run("member", "remove", memberId);
        Assert.Equal(0, remove.ExitCode);
        Assert.DoesNotContain(memberId, (await Run("member", "list", "timra-kommun")).Output, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output, string Error)> Run(params string[] args) => AdminTool.RunAsync(server.Root, args);
}

/// <summary>
/// The operator's audit listing through the tool, newest first and page by page. The tool filters by actor only,
/// and on a shared server the operator's newest event need not be this test's (counts of the operator's repeated
/// denials are written when their window ends), so the test has a server of its own.
/// </summary>
[UnsupportedOSPlatform("windows")]
public class AdminToolAuditTests(ExchangeServer server) : IClassFixture<ExchangeServer>
{
    [Fact]
    public async Task Authority_update_and_audit_list_with_reasons_and_paging()
    {
        var id = $"upd-{Guid.NewGuid():N}"[..16];
        Assert.Equal(0, (await Run("authority", "add", id, "--name", "Before", "--kind", "municipality", "--org-number", ExchangeServer.NewOrganisationNumber(), "--area", "2262")).ExitCode);

        var updated = await Run("authority", "update", id, "--name", "After", "--area", "2280", "--json");
        Assert.Equal(0, updated.ExitCode);
        var authority = JsonDocument.Parse(updated.Output).RootElement.GetProperty("authority");
        Assert.Equal("After", authority.GetProperty("name").GetString());
        Assert.Equal(["2280"], authority.GetProperty("areaCodes").EnumerateArray().Select(a => a.GetString()));

        Assert.Equal(0, (await Run("authority", "disable", id, "--reason", "avtalet upphör 2026-12-31")).ExitCode);
        // The operator's events: this server is the test's own, so its newest is the disable, and the one before the update.
        var newest = await Run("audit", "list", "--actor", "exchange-operator", "--limit", "1");
        Assert.Equal(0, newest.ExitCode);
        Assert.Contains("authority.disabled", newest.Output);
        Assert.Contains(id, newest.Output);
        Assert.Contains("avtalet upphör 2026-12-31", newest.Output);
        var hint = newest.Output.Split('\n').Single(l => l.StartsWith("More events: add --page-token ", StringComparison.Ordinal));
        var token = hint["More events: add --page-token ".Length..].Split(' ')[0];
        var next = await Run("audit", "list", "--actor", "exchange-operator", "--limit", "1", "--page-token", token);
        Assert.Equal(0, next.ExitCode);
        Assert.Contains("authority.updated", next.Output);
        Assert.Contains(id, next.Output);
    }

    private Task<(int ExitCode, string Output, string Error)> Run(params string[] args) => AdminTool.RunAsync(server.Root, args);
}

/// <summary>exchange-admin as a real process, as an operator runs it.</summary>
[UnsupportedOSPlatform("windows")]
internal static class AdminTool
{
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(string dataHome, params string[] args) => FinishAsync(Start(dataHome, args));

    /// <summary>Runs the tool as <see cref="RunAsync"/> does, with <paramref name="environment"/> set as well.</summary>
    public static Task<(int ExitCode, string Output, string Error)> RunWithEnvironmentAsync(string dataHome, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var tool = Start(dataHome, environment, args);
        return FinishAsync(tool);
    }

    /// <summary>Starts the tool as an operator runs it, with <paramref name="dataHome"/> as XDG_DATA_HOME.</summary>
    public static Process Start(string dataHome, params string[] args) => Start(dataHome, new Dictionary<string, string>(), args);

    private static Process Start(string dataHome, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "exchange-admin.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(tool);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["XDG_DATA_HOME"] = dataHome;
        start.Environment.Remove("EXCHANGE_CREDENTIAL");
        start.Environment.Remove("EXCHANGE_SERVER");
        start.Environment.Remove("EXCHANGE_ADMIN_CA_CERT");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        return Process.Start(start)!;
    }

    /// <summary>Waits for the tool to exit, killing it if it hangs, and returns its exit code and what it wrote.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> FinishAsync(Process process)
    {
        using var _ = process;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // A hung tool must not outlive the test run.
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await output, await error);
    }
}
