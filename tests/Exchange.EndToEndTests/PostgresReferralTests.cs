using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Exchange.Server.Referrals;
using Exchange.V1;
using Npgsql;
using static Exchange.EndToEndTests.ReferralTestData;

namespace Exchange.EndToEndTests;

/// <summary>Every referral rule, refusal, race and watch of <see cref="ReferralTests"/> again, on PostgreSQL.</summary>
public class PostgresReferralTests(PostgresServer server) : ReferralTests(server), IClassFixture<PostgresServer>;

/// <summary>
/// On PostgreSQL, personal data at rest is ciphertext in every file the server writes, the data keys
/// live in a schema of their own, and a withdrawal leaves a backup of the data undecryptable.
/// </summary>
public class PostgresReferralStorageTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private static readonly string[] PersonalValues = [Personnummer, GivenName, FamilyName, Phone, Message[..24], "polis-4711"];

    private static bool Holds(byte[] haystack, string text) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0 || haystack.AsSpan().IndexOf(Encoding.Unicode.GetBytes(text)) >= 0;

    private async Task<(Exchange.Client.ExchangeClient Police, Exchange.Client.ExchangeClient Recipient, ReferralSummary Sent)> SendAsync()
    {
        var (police, _) = await server.NewAuthorityInAsync(AuthorityKind.Police, ["22"], "referrals.send");
        var (recipient, recipientId) = await server.NewRecipientAsync(AuthorityKind.Municipality, AuthorityKind.Police);
        return (police, recipient, (await police.Referrals.SendReferralAsync(Referral(recipientId, DateTimeOffset.UtcNow))).Referral);
    }

    [Fact]
    public async Task The_database_files_and_the_write_ahead_log_hold_no_personal_data_and_the_keys_have_a_schema_of_their_own()
    {
        var (police, recipient, sent) = await SendAsync();
        using var _ = police;
        using var __ = recipient;
        var read = await recipient.Referrals.GetReferralAsync(new GetReferralRequest { ReferralId = sent.Id });
        Assert.Equal(Personnummer, read.Referral.Subject.Identifier);

        var files = await server.RawFilesAsync();
        Assert.Contains(files, f => f.File.StartsWith("pg_wal/", StringComparison.Ordinal));
        Assert.Contains(files, f => Holds(f.Bytes, sent.Id));
        foreach (var (file, bytes) in files)
        {
            foreach (var value in PersonalValues)
            {
                Assert.False(Holds(bytes, value), $"{file} holds a personal value in plaintext");
            }
        }
        var wrappedKeyTables = await PostgresCluster.QueryAsync(server.AdminConnectionString,
            "SELECT table_schema || '.' || table_name FROM information_schema.columns WHERE column_name = 'wrapped'", async r =>
            {
                var tables = new List<string>();
                while (await r.ReadAsync())
                {
                    tables.Add(r.GetString(0));
                }
                return tables;
            });
        Assert.Equal(["referral_keys.data_keys"], wrappedKeyTables);
    }

    [Fact]
    public async Task After_a_withdrawal_a_pg_dump_of_the_data_the_key_encryption_key_and_the_key_store_cannot_decrypt_it()
    {
        var (police, recipient, sent) = await SendAsync();
        using var _ = police;
        using var __ = recipient;
        // The data's backup, taken as docs/security.md says: without the key store's schema.
        var backup = await DumpAsync("--exclude-schema=referral_keys");
        Assert.DoesNotContain("data_keys", backup, StringComparison.Ordinal);
        var sealedPayload = SealedPayloadIn(backup, sent.Id);
        var wrapped = await WrappedKeyAsync(sent.Id);
        Assert.NotNull(wrapped);
        Assert.Equal(Personnummer, Decrypt(sent.Id, wrapped, sealedPayload)!.Subject.Identifier);
        var keyTableFile = await KeyTableFileAsync();
        await PostgresCluster.ExecuteAsync(server.AdminConnectionString, "CHECKPOINT");
        Assert.True((await ReadServerFileAsync(keyTableFile)).AsSpan().IndexOf(wrapped) >= 0, "the key is in the key table's file before the withdrawal");

        await police.Referrals.WithdrawConsentAsync(new WithdrawConsentRequest { RequestId = "w", ReferralId = sent.Id });

        Assert.Null(await WrappedKeyAsync(sent.Id));
        Assert.Null(Decrypt(sent.Id, await WrappedKeyAsync(sent.Id), sealedPayload));
        await PostgresCluster.ExecuteAsync(server.AdminConnectionString, "CHECKPOINT");
        Assert.True((await ReadServerFileAsync(keyTableFile)).AsSpan().IndexOf(wrapped) < 0, "the destroyed key's bytes are still in the key table's file");
        Assert.DoesNotContain(ToCopyHex(sealedPayload), await DumpAsync(), StringComparison.Ordinal);
    }

    /// <summary>pg_dump of the server's database in plain SQL, as an operator's backup job runs it.</summary>
    private async Task<string> DumpAsync(params string[] arguments)
    {
        var connection = new NpgsqlConnectionStringBuilder(server.AdminConnectionString);
        var start = new ProcessStartInfo("pg_dump") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--host", connection.Host!, "--port", connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--username", connection.Username!, "--no-password" }.Concat(arguments).Append(server.DatabaseName))
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["PGPASSWORD"] = connection.Password;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await errors);
        return await output;
    }

    /// <summary>The referral's sealed payload, read from the COPY block of a plain dump.</summary>
    private static byte[] SealedPayloadIn(string dump, string referralId)
    {
        var lines = dump.Split('\n');
        var header = Array.FindIndex(lines, l => l.StartsWith("COPY public.referrals ", StringComparison.Ordinal));
        var columns = lines[header][(lines[header].IndexOf('(') + 1)..lines[header].IndexOf(')')].Split(", ").Select(c => c.Trim('"')).ToList();
        var row = lines.Skip(header + 1).TakeWhile(l => l != "\\.").Single(l => l.StartsWith(referralId + "\t", StringComparison.Ordinal)).Split('\t');
        // COPY writes bytea as \\x followed by hex.
        return Convert.FromHexString(row[columns.IndexOf("SealedPayload")][3..]);
    }

    private static string ToCopyHex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private Task<byte[]?> WrappedKeyAsync(string referralId) => PostgresCluster.QueryAsync(server.AdminConnectionString,
        $"SELECT wrapped FROM referral_keys.data_keys WHERE referral_id = '{Guid.Parse(referralId)}'",
        async r => await r.ReadAsync() ? (byte[])r.GetValue(0) : null);

    private Task<string> KeyTableFileAsync() => PostgresCluster.QueryAsync(server.AdminConnectionString,
        "SELECT pg_relation_filepath('referral_keys.data_keys')", async r => await r.ReadAsync() ? r.GetString(0) : throw new InvalidOperationException());

    private Task<byte[]> ReadServerFileAsync(string file) => PostgresCluster.QueryAsync(server.AdminConnectionString,
        $"SELECT pg_read_binary_file('{file}')", async r => await r.ReadAsync() ? (byte[])r.GetValue(0) : []);

    private Referral? Decrypt(string referralId, byte[]? wrapped, byte[] sealedPayload)
    {
        var kek = Convert.FromBase64String(File.ReadAllText(Path.Combine(server.DataDirectory, "referral-key-encryption-key")).Trim());
        if (wrapped is null)
        {
            return null;
        }
        try
        {
            var dataKey = ReferralSeal.Open(kek, wrapped, referralId, ReferralSeal.DataKey);
            return Exchange.V1.Referral.Parser.ParseFrom(ReferralSeal.Open(dataKey, sealedPayload, referralId, ReferralSeal.Payload));
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
