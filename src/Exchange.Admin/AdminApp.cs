using System.CommandLine;
using Exchange.Admin.Commands;

namespace Exchange.Admin;

/// <summary>Exit codes of exchange-admin, for scripts.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The server refused or failed the request (NOT_FOUND, PERMISSION_DENIED, INVALID_ARGUMENT, …).</summary>
    public const int RequestFailed = 1;
    /// <summary>The command line was wrong.</summary>
    public const int Usage = 2;
    /// <summary>No credential, or the server could not be reached or refused the credential.</summary>
    public const int NotConnected = 3;
    /// <summary>The server did what was asked, but its result could not be kept on this machine (e.g. a credential file could not be rewritten).</summary>
    public const int LocalFailure = 4;
    /// <summary>'audit verify' found the audit chain broken or a checkpoint that no longer matches it.</summary>
    public const int AuditBroken = 5;
}

public static class AdminApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var root = Build();
        var parse = root.Parse(args);
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
            {
                await error.WriteLineAsync($"error: {e.Message}");
            }
            await error.WriteLineAsync("Run 'exchange-admin --help' (or the command with --help) for usage.");
            return ExitCodes.Usage;
        }
        return await parse.InvokeAsync(configuration, cancellationToken);
    }

    public static RootCommand Build()
    {
        var root = new RootCommand(
            "exchange-admin: manage who may do what on an Exchange server — authorities, their credentials " +
            "and grants, the indicator catalogue and the population table. Uses the operator credential the server wrote on its first " +
            "start (" + GlobalOptions.DefaultCredentialPath() + ") unless --credential says otherwise.");
        GlobalOptions.AddTo(root);
        root.Subcommands.Add(AuthorityCommands.Build());
        root.Subcommands.Add(CredentialCommands.Build());
        root.Subcommands.Add(GrantCommands.Build());
        root.Subcommands.Add(MemberCommands.Build());
        root.Subcommands.Add(IndicatorCommands.Build());
        root.Subcommands.Add(PopulationCommands.Build());
        root.Subcommands.Add(ReferralCommands.Build());
        root.Subcommands.Add(AuditCommands.Build());
        root.Subcommands.Add(AccountCommands.Build());
        return root;
    }
}
