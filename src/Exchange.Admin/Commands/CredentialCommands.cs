using System.CommandLine;
using Exchange.V1;

namespace Exchange.Admin.Commands;

internal static class CredentialCommands
{
    public static Command Build()
    {
        var command = new Command("credential",
            "Manage the credentials authorities authenticate with at the token endpoint. An operator sets only an authority's first " +
            "credential; later ones come from the authority itself, or from a break-glass change two operators agree on.");
        command.Subcommands.Add(AddKey());
        command.Subcommands.Add(AddSecret());
        command.Subcommands.Add(Revoke());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Propose());
        command.Subcommands.Add(Approve());
        command.Subcommands.Add(Reject());
        command.Subcommands.Add(Changes());
        return command;
    }

    private static Command AddKey()
    {
        var id = new Argument<string>("authority-id") { Description = "The authority the key belongs to." };
        var publicKey = new Option<FileInfo?>("--public-key") { Description = "A file with the authority's public key in PEM (e.g. from 'openssl pkey -pubout'); needs --key-id." };
        var keyId = new Option<string?>("--key-id") { Description = "The key id (kid) the authority puts in its client assertions, e.g. sundsvall-2026." };
        var jwk = new Option<FileInfo?>("--jwk") { Description = JwkHelp };
        var command = new Command("add-key", "Onboarding: register the first credential of a new authority, its public key for private_key_jwt (the production default). The private key stays with the authority.") { id, publicKey, keyId, jwk };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var json = ReadJwk(parse.GetValue(publicKey), parse.GetValue(keyId), parse.GetValue(jwk));
            var response = await client.Admin.AddKeyCredentialAsync(new AddKeyCredentialRequest { AuthorityId = parse.GetValue(id)!, PublicJwk = json }, cancellationToken: ct);
            output.Write(response, w => w.WriteLine($"Registered key {response.Credential.KeyId} for {response.Credential.AuthorityId} (credential {response.Credential.Id})."));
        });
        return command;
    }

    /// <summary>How to get a JWK, for the --jwk options.</summary>
    internal const string JwkHelp = "A file with the public key as a JSON Web Key with a \"kid\" (instead of --public-key). " +
        "Most systems export one (e.g. 'step crypto key format --jwk', or a key vault's export); from PEM, --public-key with --key-id does the conversion.";

    internal static string ReadJwk(FileInfo? pemFile, string? keyId, FileInfo? jwkFile)
    {
        if ((pemFile is null) == (jwkFile is null))
        {
            throw new AdminUsageException("Give exactly one of --public-key (with --key-id) and --jwk.");
        }
        if (jwkFile is not null)
        {
            return ReadFile(jwkFile);
        }
        if (string.IsNullOrWhiteSpace(keyId))
        {
            throw new AdminUsageException("--public-key needs --key-id.");
        }
        var pem = ReadFile(pemFile!);
        if (pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            // Only the public half is sent, but the authority's private key should never have reached an operator.
            Console.Error.WriteLine($"warning: {pemFile!.FullName} holds a private key; only its public half is sent. " +
                "The private key belongs with the authority alone: delete this copy, and if it left the authority, have it generate a new key pair.");
        }
        try
        {
            return Exchange.Contracts.PublicKeys.JwkFromPem(pem, keyId);
        }
        catch (ArgumentException e)
        {
            throw new AdminUsageException($"{pemFile!.FullName}: {e.Message}");
        }
    }

    private static string ReadFile(FileInfo file) =>
        file.Exists ? File.ReadAllText(file.FullName) : throw new AdminUsageException($"{file.FullName} does not exist.");

    private static Command AddSecret()
    {
        var id = new Argument<string>("authority-id") { Description = "The authority." };
        var command = new Command("add-secret", "Onboarding: generate the first credential of a new authority, a client secret, shown this once. The authority should replace it at once.") { id };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var response = await client.Admin.AddSecretCredentialAsync(new AddSecretCredentialRequest { AuthorityId = parse.GetValue(id)! }, cancellationToken: ct);
            output.Write(response, w =>
            {
                w.WriteLine($"Client secret for {response.Credential.AuthorityId} (credential {response.Credential.Id}):");
                w.WriteLine(response.ClientSecret);
                w.WriteLine("It is shown only now; only a hash is stored. Hand it over securely, and ask the authority to replace it");
                w.WriteLine("at once (AccountService.ReplaceOwnSecret), so that nobody but the authority knows its secret.");
            });
        });
        return command;
    }

    private static Command Revoke()
    {
        var id = new Argument<string>("credential-id") { Description = "The credential id (see 'authority show')." };
        var reason = new Option<string>("--reason") { Description = "Why, for the audit log (no personal data).", Required = true };
        var command = new Command("revoke", "Revoke a credential: no new token is issued with it.") { id, reason };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var response = await client.Admin.RevokeCredentialAsync(new RevokeCredentialRequest { CredentialId = parse.GetValue(id)!, Reason = parse.GetValue(reason)! }, cancellationToken: ct);
            output.Write(response, w => w.WriteLine($"Revoked credential {response.Credential.Id} of {response.Credential.AuthorityId}."));
        });
        return command;
    }

    private static Command List()
    {
        var id = new Argument<string>("authority-id") { Description = "The authority." };
        var command = new Command("list", "List an authority's credentials, revoked ones included.") { id };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var response = await client.Admin.ListCredentialsAsync(new ListCredentialsRequest { AuthorityId = parse.GetValue(id)! }, cancellationToken: ct);
            output.Write(response, _ => Table(output, response.Credentials));
        });
        return command;
    }

    private static Command Propose()
    {
        var id = new Argument<string>("authority-id") { Description = "The authority that lost its credential." };
        var publicKey = new Option<FileInfo?>("--public-key") { Description = "A file with the authority's new public key in PEM, handed over by the authority; needs --key-id." };
        var keyId = new Option<string?>("--key-id") { Description = "The key id (kid) of the new key." };
        var jwk = new Option<FileInfo?>("--jwk") { Description = JwkHelp };
        var revokeExisting = new Option<bool>("--revoke-existing") { Description = "Also revoke every credential the authority holds now (lost or leaked)." };
        var reason = new Option<string>("--reason") { Description = "Why, e.g. the authority's request reference (no personal data).", Required = true };
        var command = new Command("propose",
            "Break glass: propose a new public key, handed over by an authority that lost its credential. A second, different operator must approve it " +
            "within 24 hours; the authority sees the proposal. Only keys: a secret would be known to the operators who handled it.") { id, publicKey, keyId, jwk, revokeExisting, reason };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var request = new ProposeCredentialChangeRequest
            {
                AuthorityId = parse.GetValue(id)!,
                PublicJwk = ReadJwk(parse.GetValue(publicKey), parse.GetValue(keyId), parse.GetValue(jwk)),
                RevokeExisting = parse.GetValue(revokeExisting),
                Reason = parse.GetValue(reason)!,
            };
            var response = await client.Admin.ProposeCredentialChangeAsync(request, cancellationToken: ct);
            output.Write(response, w =>
            {
                w.WriteLine($"Proposed change {response.Change.Id} for {response.Change.AuthorityId}; it expires {Tables.Time(response.Change.ExpireTime)}.");
                w.WriteLine($"A second operator approves it with: exchange-admin credential approve {response.Change.Id} --reason \"…\"");
            });
        });
        return command;
    }

    private static Command Approve()
    {
        var id = new Argument<string>("change-id") { Description = "The proposal id (see 'credential changes')." };
        var reason = new Option<string>("--reason") { Description = "Why, e.g. how the authority's request was verified (no personal data).", Required = true };
        var command = new Command("approve", "Break glass: approve another operator's proposal and carry it out.") { id, reason };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var response = await client.Admin.ApproveCredentialChangeAsync(new ApproveCredentialChangeRequest { ChangeId = parse.GetValue(id)!, Reason = parse.GetValue(reason)! }, cancellationToken: ct);
            output.Write(response, w => w.WriteLine($"Approved {response.Change.Id}: key {response.Credential.KeyId} (credential {response.Credential.Id}) for {response.Credential.AuthorityId}."));
        });
        return command;
    }

    private static Command Reject()
    {
        var id = new Argument<string>("change-id") { Description = "The proposal id." };
        var reason = new Option<string>("--reason") { Description = "Why (no personal data).", Required = true };
        var command = new Command("reject", "Break glass: reject a proposal (or withdraw your own).") { id, reason };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var response = await client.Admin.RejectCredentialChangeAsync(new RejectCredentialChangeRequest { ChangeId = parse.GetValue(id)!, Reason = parse.GetValue(reason)! }, cancellationToken: ct);
            output.Write(response, w => w.WriteLine($"Rejected {response.Change.Id}."));
        });
        return command;
    }

    private static Command Changes()
    {
        var authority = new Option<string?>("--authority") { Description = "Only this authority's proposals." };
        var all = new Option<bool>("--all") { Description = "Also approved, rejected and expired ones." };
        var command = new Command("changes", "List break-glass proposals, newest first: pending ones unless --all.") { authority, all };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var everything = new ListCredentialChangesResponse
            {
                Changes =
                {
                    await Pages.AllAsync(async token =>
                    {
                        var page = await client.Admin.ListCredentialChangesAsync(new ListCredentialChangesRequest
                        {
                            AuthorityId = parse.GetValue(authority) ?? "", IncludeDecided = parse.GetValue(all), PageSize = 1000, PageToken = token,
                        }, cancellationToken: ct);
                        return ((IEnumerable<CredentialChange>)page.Changes, page.NextPageToken);
                    }),
                },
            };
            output.Write(everything, _ => output.Table(["ID", "AUTHORITY", "KEY ID", "REVOKE OLD", "PROPOSED BY", "PROPOSED", "STATE", "DECIDED BY"],
                everything.Changes.Select(c => (IReadOnlyList<string>)[c.Id, c.AuthorityId, c.KeyId,
                    c.RevokeExisting ? "yes" : "no", c.RequestedBy, Tables.Time(c.RequestTime), c.State.ToString().ToLowerInvariant(), c.DecidedBy])));
        });
        return command;
    }

    internal static void Table(CommandRunner.Output output, IEnumerable<Credential> credentials) =>
        output.Table(["ID", "TYPE", "KEY ID", "ORIGIN", "CREATED", "BY", "REVOKED", "REVOKED BY"],
            credentials.Select(c => (IReadOnlyList<string>)[c.Id, c.Type == CredentialType.PublicKey ? "public-key" : "secret", c.KeyId, Origin(c.Origin),
                Tables.Time(c.CreateTime), c.CreatedBy, Tables.Time(c.RevokeTime), c.RevokedBy]));

    private static string Origin(CredentialOrigin origin) => origin switch
    {
        CredentialOrigin.Onboarding => "onboarding",
        CredentialOrigin.SelfService => "self-service",
        CredentialOrigin.BreakGlass => "break-glass",
        CredentialOrigin.System => "system",
        _ => "",
    };
}
