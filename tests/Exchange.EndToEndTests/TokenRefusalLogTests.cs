using System.Security.Cryptography;
using Exchange.V1;
using Grpc.Core;

namespace Exchange.EndToEndTests;

/// <summary>
/// A refused token request tells the caller only that authentication failed, and tells the
/// operator, in the log, why — so that an operator can help a vendor without the endpoint helping
/// a guesser. A revoked key and a key id never registered are told apart.
/// </summary>
public class TokenRefusalLogTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    private string[] RefusalLines(string clientId) =>
        server.Logs.Where(l => l.Contains($"Client authentication failed for {clientId}", StringComparison.Ordinal)).ToArray();

    [Fact]
    public async Task A_revoked_key_and_an_unknown_key_id_are_refused_alike_and_logged_each_with_its_own_reason()
    {
        var (withSecret, id) = await server.NewAuthorityAsync(AuthorityKind.Municipality, "statistics.read");
        using var rsa = RSA.Create(2048);
        var pem = rsa.ExportPkcs8PrivateKeyPem();
        using (withSecret)
        {
            await withSecret.Account.AddOwnKeyAsync(new AddOwnKeyRequest { PublicJwk = TestKeys.Jwk(rsa, "kid-2026") });
        }
        using (var signed = server.Connect(o => { o.ClientId = id; o.PrivateKeyPem = pem; o.KeyId = "kid-2026"; }))
        {
            await signed.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest());
        }

        using var stranger = RSA.Create(2048);
        var strangerPem = stranger.ExportPkcs8PrivateKeyPem();
        RpcException unknown;
        using (var unknownKid = server.Connect(o => { o.ClientId = id; o.PrivateKeyPem = strangerPem; o.KeyId = "never-registered"; }))
        {
            unknown = await Assert.ThrowsAsync<RpcException>(() => unknownKid.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest()).ResponseAsync);
        }
        var unknownLines = RefusalLines(id);

        using var admin = server.Operator();
        var key = (await admin.Admin.ListCredentialsAsync(new ListCredentialsRequest { AuthorityId = id })).Credentials.Single(c => c.KeyId == "kid-2026");
        await admin.Admin.RevokeCredentialAsync(new RevokeCredentialRequest { CredentialId = key.Id, Reason = "key rotated" });
        RpcException revoked;
        using (var revokedKey = server.Connect(o => { o.ClientId = id; o.PrivateKeyPem = pem; o.KeyId = "kid-2026"; }))
        {
            revoked = await Assert.ThrowsAsync<RpcException>(() => revokedKey.Statistics.ListIndicatorsAsync(new ListIndicatorsRequest()).ResponseAsync);
        }
        var revokedLines = RefusalLines(id).Skip(unknownLines.Length).ToArray();

        // The caller learns nothing that tells the two apart.
        Assert.Equal(StatusCode.Unauthenticated, unknown.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, revoked.StatusCode);
        Assert.All(new[] { unknown, revoked }, refusal => Assert.Contains("invalid_client (Client authentication failed.)", refusal.Status.Detail, StringComparison.Ordinal));
        Assert.DoesNotContain("revoked", revoked.Status.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("registered", unknown.Status.Detail, StringComparison.OrdinalIgnoreCase);
        // The operator does.
        Assert.NotEmpty(unknownLines);
        Assert.All(unknownLines, line => Assert.Contains("\"never-registered\", which is not registered", line, StringComparison.Ordinal));
        Assert.NotEmpty(revokedLines);
        Assert.All(revokedLines, line => Assert.Contains("\"kid-2026\", which was revoked", line, StringComparison.Ordinal));
    }
}
