using System.CommandLine;
using Exchange.V1;

namespace Exchange.Admin.Commands;

internal static class ReferralCommands
{
    public static Command Build()
    {
        var command = new Command("referrals", "Look after the referrals' keys (never their content, which operators cannot read).");
        var reason = new Option<string>("--reason") { Description = "Why, for the audit log, e.g. the key rotation's change reference (no personal data).", Required = true };
        var rewrap = new Command("rewrap", "After a key-encryption key rotation: wrap every referral data key under the active key, so that the earlier key can be removed from configuration.") { reason };
        rewrap.SetCall(async (parse, client, output, ct) =>
        {
            var response = await client.Admin.RewrapReferralKeysAsync(new RewrapReferralKeysRequest { Reason = parse.GetValue(reason)! }, cancellationToken: ct);
            output.Write(response, w => w.WriteLine($"Wrapped {response.RewrappedCount} data keys under '{response.KeyEncryptionKeyId}'; every data key is now wrapped by it."));
        });
        command.Subcommands.Add(rewrap);
        return command;
    }
}
