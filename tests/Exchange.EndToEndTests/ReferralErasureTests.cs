using System.Security.Cryptography;
using System.Text;
using Exchange.Server.Referrals;
using Exchange.V1;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using static Exchange.EndToEndTests.ReferralTestData;

namespace Exchange.EndToEndTests;

/// <summary>
/// Personal data at rest is ciphertext only, and erasing a referral destroys its data key: what was
/// copied before (a backup), the key-encryption key and the current key store together no longer
/// decrypt it.
/// </summary>
public class ReferralErasureTests(SqliteClockedServer server) : IClassFixture<SqliteClockedServer>
{
    private string DataFile => Path.Combine(server.DataDirectory, "exchange.db");

    private string KeyFile => server.Services.GetRequiredService<ReferralKeyStore>().SqliteFile!;

    /// <summary>Every byte of a SQLite database as it lies on disk: the file and its journals.</summary>
    private static byte[] RawBytes(string databaseFile) =>
        [.. new[] { "", "-wal", "-shm", "-journal" }.Select(suffix => databaseFile + suffix).Where(File.Exists).SelectMany(ReadShared)];

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static bool Holds(byte[] haystack, string text) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0 || haystack.AsSpan().IndexOf(Encoding.Unicode.GetBytes(text)) >= 0;

    private async Task<(Exchange.Client.ExchangeClient Police, Exchange.Client.ExchangeClient Recipient, ReferralSummary Sent)> SendAsync(TimeSpan? consent = null)
    {
        var (police, _) = await server.NewAuthorityInAsync(AuthorityKind.Police, ["22"], "referrals.send");
        var (recipient, recipientId) = await server.NewRecipientAsync(AuthorityKind.Municipality, AuthorityKind.Police);
        var request = Referral(recipientId, server.Clock.GetUtcNow());
        if (consent is { } lasts)
        {
            request.Consent.ExpireTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(server.Clock.GetUtcNow() + lasts);
        }
        return (police, recipient, (await police.Referrals.SendReferralAsync(request)).Referral);
    }

    [Fact]
    public async Task The_data_files_hold_no_personal_data_in_plaintext()
    {
        var (police, recipient, sent) = await SendAsync();
        using var _ = police;
        using var __ = recipient;
        await recipient.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = sent.Id });

        var data = RawBytes(DataFile);
        var keys = RawBytes(KeyFile);
        Assert.Contains(sent.Id, Encoding.UTF8.GetString(data), StringComparison.Ordinal);
        foreach (var value in new[] { Personnummer, GivenName, FamilyName, Phone, Message[..24], "polis-4711" })
        {
            Assert.False(Holds(data, value), "the data files hold a personal value in plaintext");
            Assert.False(Holds(keys, value), "the key store holds a personal value in plaintext");
        }
        // The key store is a file of its own: the data files hold no data key.
        Assert.NotEqual(Path.GetFullPath(DataFile), Path.GetFullPath(KeyFile));
        Assert.False(Holds(data, "data_keys"));
    }

    [Fact]
    public async Task After_a_withdrawal_a_backup_the_key_encryption_key_and_the_key_store_cannot_decrypt_it()
    {
        var (police, recipient, sent) = await SendAsync();
        using var _ = police;
        using var __ = recipient;
        var backup = Path.Combine(server.Root, $"backup-{Guid.NewGuid():N}.db");
        using (var source = new SqliteConnection($"Data Source={DataFile};Mode=ReadOnly;Pooling=False"))
        {
            source.Open();
            using var target = new SqliteConnection($"Data Source={backup};Pooling=False");
            source.BackupDatabase(target);
        }
        var wrapped = WrappedKey(sent.Id)!;
        Assert.NotNull(Decrypt(backup, sent.Id));

        // The person said so on the phone when the referral was sent; the sender records it now.
        var tombstone = (await police.Referrals.WithdrawConsentAsync(new WithdrawConsentRequest { RequestId = "w1", ReferralId = sent.Id, WithdrawTime = sent.CreateTime })).Referral;

        Assert.Equal(ReferralStatus.Revoked, tombstone.Status);
        Assert.NotNull(tombstone.EraseTime);
        Assert.Equal(sent.CreateTime, tombstone.ConsentWithdrawTime);
        var gone = await RpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await recipient.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = sent.Id }));
        Assert.Equal("CONSENT_WITHDRAWN", gone.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations.Single().Type);
        // The backup still holds the ciphertext; nothing left can open it, and no byte of the key remains.
        Assert.Null(WrappedKey(sent.Id));
        Assert.Null(Decrypt(backup, sent.Id));
        Assert.True(RawBytes(KeyFile).AsSpan().IndexOf(wrapped) < 0, "the destroyed key's bytes are still in the key store's files");
        // Withdrawing again is the same answer.
        var again = (await recipient.Referrals.WithdrawConsentAsync(new WithdrawConsentRequest { RequestId = "w2", ReferralId = sent.Id })).Referral;
        Assert.Equal((tombstone.EraseTime, tombstone.ConsentWithdrawTime), (again.EraseTime, again.ConsentWithdrawTime));
    }

    [Fact]
    public async Task An_expired_consent_erases_the_referral_and_a_closed_one_is_erased_after_its_retention()
    {
        var (police, recipient, expiring) = await SendAsync(consent: TimeSpan.FromDays(2));
        using var _ = police;
        using var __ = recipient;
        var (police2, recipient2, closing) = await SendAsync(consent: TimeSpan.FromDays(300));
        using var ___ = police2;
        using var ____ = recipient2;
        await recipient2.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = closing.Id });
        await recipient2.Referrals.UpdateReferralStatusAsync(new UpdateReferralStatusRequest { RequestId = "r", ReferralId = closing.Id, Status = ReferralStatus.Rejected, RejectionReason = RejectionReason.OutsideMandate });
        var sweep = server.Services.GetRequiredService<ReferralErasure>();

        server.Clock.Advance(TimeSpan.FromDays(3));
        await sweep.SweepAsync(CancellationToken.None);

        var expired = (await police.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = expiring.Id })).Referral.Summary;
        Assert.Equal(ReferralStatus.Revoked, expired.Status);
        Assert.NotNull(expired.EraseTime);
        Assert.Null(WrappedKey(expiring.Id));
        Assert.NotNull(WrappedKey(closing.Id));

        // Past the retention period (90 days by default) from when it was rejected.
        server.Clock.Advance(TimeSpan.FromDays(88));
        await sweep.SweepAsync(CancellationToken.None);

        var closed = (await police2.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = closing.Id })).Referral.Summary;
        Assert.Equal((ReferralStatus.Rejected, true), (closed.Status, closed.EraseTime is not null));
        Assert.Null(WrappedKey(closing.Id));
        var gone = await RpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await recipient2.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = closing.Id }));
        Assert.Equal("RETENTION_ENDED", gone.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations.Single().Type);
    }

    private byte[]? WrappedKey(string referralId)
    {
        using var connection = new SqliteConnection($"Data Source={KeyFile};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT wrapped FROM data_keys WHERE referral_id = $id";
        command.Parameters.AddWithValue("$id", referralId);
        return command.ExecuteScalar() as byte[];
    }

    private static byte[] SealedPayload(string database, string referralId)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT SealedPayload FROM referrals WHERE Id = $id";
        command.Parameters.AddWithValue("$id", referralId);
        return (byte[])command.ExecuteScalar()!;
    }

    /// <summary>What an attacker holding a copy of the data, the key-encryption key and the current key store can read; null when nothing.</summary>
    private Referral? Decrypt(string database, string referralId)
    {
        var kek = Convert.FromBase64String(File.ReadAllText(Path.Combine(server.DataDirectory, "referral-key-encryption-key")).Trim());
        if (WrappedKey(referralId) is not { } wrapped)
        {
            return null;
        }
        try
        {
            var dataKey = ReferralSeal.Open(kek, wrapped, referralId, ReferralSeal.DataKey);
            return Exchange.V1.Referral.Parser.ParseFrom(ReferralSeal.Open(dataKey, SealedPayload(database, referralId), referralId, ReferralSeal.Payload));
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
