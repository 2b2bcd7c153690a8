using System.CommandLine;
using Exchange.Contracts;
using Exchange.V1;

namespace Exchange.Admin.Commands;

/// <summary>
/// The own credentials of the authority whose credential file is in use: the operator's by default,
/// any authority's with --credential (a shelter without an integration of its own uses this).
/// </summary>
internal static class AccountCommands
{
    public static Command Build()
    {
        var command = new Command("account",
            "Manage the own credentials of the authority whose credential file is in use (the operator's by default; any authority's with --credential <its file>), " +
            "as every authority manages its own.");
        command.Subcommands.Add(Credentials());
        command.Subcommands.Add(AddKey());
        command.Subcommands.Add(ReplaceSecret());
        command.Subcommands.Add(Revoke());
        command.Subcommands.Add(Events());
        return command;
    }

    private static Command Credentials()
    {
        var command = new Command("credentials", "List the authority's own credentials.");
        command.SetCall(async (parse, client, output, ct) =>
        {
            var response = await client.Account.ListOwnCredentialsAsync(new ListOwnCredentialsRequest(), cancellationToken: ct);
            output.Write(response, _ => CredentialCommands.Table(output, response.Credentials));
        });
        return command;
    }

    private static Command AddKey()
    {
        var publicKey = new Option<FileInfo?>("--public-key") { Description = "A file with the new public key in PEM; needs --key-id." };
        var keyId = new Option<string?>("--key-id") { Description = "The key id (kid) of the new key." };
        var jwk = new Option<FileInfo?>("--jwk") { Description = CredentialCommands.JwkHelp };
        var command = new Command("add-key", "Register a new public key of the authority itself (key rotation).") { publicKey, keyId, jwk };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var json = CredentialCommands.ReadJwk(parse.GetValue(publicKey), parse.GetValue(keyId), parse.GetValue(jwk));
            var response = await client.Account.AddOwnKeyAsync(new AddOwnKeyRequest { PublicJwk = json }, cancellationToken: ct);
            output.Write(response, w => w.WriteLine($"Registered key {response.Credential.KeyId} (credential {response.Credential.Id})."));
        });
        return command;
    }

    private static Command ReplaceSecret()
    {
        var command = new Command("replace-secret",
            "Replace the client secret of the authority whose credential file is in use; the file is rewritten with the new one (and the secret is printed first, in case it cannot be).");
        command.SetCall(async (parse, client, output, ct) =>
        {
            var path = GlobalOptions.CredentialPath(parse);
            // The old secret stops working at once: make sure the new one can be kept before asking for it.
            EnsureWritable(path);
            CredentialFile file;
            try
            {
                file = CredentialFile.Load(path);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException or IOException)
            {
                throw new AdminUsageException($"{path} cannot be read again to be rewritten ({e.Message}); pass --credential with a regular file.");
            }
            var response = await client.Account.ReplaceOwnSecretAsync(new ReplaceOwnSecretRequest(), cancellationToken: ct);
            // The old secret no longer works: the new one goes to the file first, then to the screen;
            // if the file cannot take it, the screen (and the error) must.
            try
            {
                (file with { ClientSecret = response.ClientSecret }).Save(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new AdminLocalException($"the new secret could not be written to {path}: {e.Message}. Store it now, the old one no longer works: {response.ClientSecret}");
            }
            output.Write(response, w =>
            {
                w.WriteLine($"Replaced the client secret (credential {response.Credential.Id}); {path} holds the new one:");
                w.WriteLine(response.ClientSecret);
            });
        });
        return command;
    }

    private static void EnsureWritable(string path)
    {
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
            var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
            var test = Path.Combine(directory, $".exchange-admin-{Guid.NewGuid():N}.tmp");
            File.WriteAllText(test, "");
            File.Delete(test);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AdminUsageException($"{path} cannot be rewritten ({e.Message}); the new secret could not be kept there. Copy the credential file to a writable place and pass --credential.");
        }
    }

    private static Command Revoke()
    {
        var id = new Argument<string>("credential-id") { Description = "One of the operator's own credential ids." };
        var reason = new Option<string>("--reason") { Description = "Why, for the audit log (no personal data).", Required = true };
        var command = new Command("revoke", "Revoke one of the authority's own credentials (not the last one).") { id, reason };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var response = await client.Account.RevokeOwnCredentialAsync(new RevokeOwnCredentialRequest { CredentialId = parse.GetValue(id)!, Reason = parse.GetValue(reason)! }, cancellationToken: ct);
            output.Write(response, w => w.WriteLine($"Revoked credential {response.Credential.Id}."));
        });
        return command;
    }

    private static Command Events()
    {
        var command = new Command("events", "List every change to the authority's own credentials and access, newest first.");
        command.SetCall(async (parse, client, output, ct) =>
        {
            var response = new ListCredentialEventsResponse
            {
                Events =
                {
                    await Pages.AllAsync(async token =>
                    {
                        var page = await client.Account.ListCredentialEventsAsync(new ListCredentialEventsRequest { PageSize = 1000, PageToken = token }, cancellationToken: ct);
                        return ((IEnumerable<AuditEvent>)page.Events, page.NextPageToken);
                    }),
                },
            };
            output.Write(response, _ => AuditCommands.Table(output, response.Events));
        });
        return command;
    }
}
