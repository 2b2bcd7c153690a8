using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using Exchange.V1;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Admin.Commands;

internal static class CredentialCommands
{
    public static Command Build()
    {
        var command = new Command("credential", "Manage the credentials authorities authenticate with at the token endpoint.");
        command.Subcommands.Add(AddKey());
        command.Subcommands.Add(AddSecret());
        command.Subcommands.Add(Revoke());
        command.Subcommands.Add(List());
        return command;
    }

    private static Command AddKey()
    {
        var id = new Argument<string>("authority-id") { Description = "The authority the key belongs to." };
        var publicKey = new Option<FileInfo?>("--public-key") { Description = "The authority's public key as PEM (e.g. from 'openssl pkey -pubout'); needs --key-id." };
        var keyId = new Option<string?>("--key-id") { Description = "The key id (kid) the authority puts in its client assertions, e.g. sundsvall-2026." };
        var jwk = new Option<FileInfo?>("--jwk") { Description = "The public key as a JWK JSON file with a kid (instead of --public-key)." };
        var command = new Command("add-key", "Register a public key for private_key_jwt (the production default). The private key stays with the authority.") { id, publicKey, keyId, jwk };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var json = ReadJwk(parse.GetValue(publicKey), parse.GetValue(keyId), parse.GetValue(jwk));
            var response = await client.Admin.AddKeyCredentialAsync(new AddKeyCredentialRequest { AuthorityId = parse.GetValue(id)!, PublicJwk = json }, cancellationToken: ct);
            output.Write(response, w => w.WriteLine($"Registered key {response.Credential.KeyId} for {response.Credential.AuthorityId} (credential {response.Credential.Id})."));
        });
        return command;
    }

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
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            var p = rsa.ExportParameters(false);
            return JsonSerializer.Serialize(new { kty = "RSA", kid = keyId, n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) });
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
        }
        try
        {
            using var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            var p = ec.ExportParameters(false);
            var crv = p.Curve.Oid.FriendlyName switch
            {
                "nistP256" or "ECDSA_P256" => "P-256",
                "nistP384" or "ECDSA_P384" => "P-384",
                "nistP521" or "ECDSA_P521" => "P-521",
                _ => throw new AdminUsageException("The EC key must be on P-256, P-384 or P-521."),
            };
            return JsonSerializer.Serialize(new { kty = "EC", kid = keyId, crv, x = Base64UrlEncoder.Encode(p.Q.X), y = Base64UrlEncoder.Encode(p.Q.Y) });
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new AdminUsageException($"{pemFile!.FullName} holds no RSA or EC key in PEM.");
        }
    }

    private static string ReadFile(FileInfo file) =>
        file.Exists ? File.ReadAllText(file.FullName) : throw new AdminUsageException($"{file.FullName} does not exist.");

    private static Command AddSecret()
    {
        var id = new Argument<string>("authority-id") { Description = "The authority." };
        var command = new Command("add-secret", "Generate a client secret, shown this once. Replaces the authority's previous secret.") { id };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var response = await client.Admin.AddSecretCredentialAsync(new AddSecretCredentialRequest { AuthorityId = parse.GetValue(id)! }, cancellationToken: ct);
            output.Write(response, w =>
            {
                w.WriteLine($"Client secret for {response.Credential.AuthorityId} (credential {response.Credential.Id}):");
                w.WriteLine(response.ClientSecret);
                w.WriteLine("It is shown only now; only a hash is stored. Hand it over securely.");
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

    internal static void Table(CommandRunner.Output output, IEnumerable<Credential> credentials) =>
        output.Table(["ID", "TYPE", "KEY ID", "CREATED", "BY", "REVOKED"],
            credentials.Select(c => (IReadOnlyList<string>)[c.Id, c.Type == CredentialType.PublicKey ? "public-key" : "secret", c.KeyId, Tables.Time(c.CreateTime), c.CreatedBy, Tables.Time(c.RevokeTime)]));
}
