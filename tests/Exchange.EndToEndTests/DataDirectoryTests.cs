using System.Runtime.Versioning;
using System.Security.Cryptography;
using Exchange.V1;
using Grpc.Core;

namespace Exchange.EndToEndTests;

/// <summary>The data directory and every file in it are the server's own: 0700 and 0600.</summary>
[UnsupportedOSPlatform("windows")]
// SQLite's own files are what it checks, whatever store the suite runs on.
public class DataDirectoryTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task Database_its_journal_keys_and_credentials_are_readable_by_the_owner_only()
    {
        // Held open while the files are listed: SQLite removes the write-ahead log when the last
        // connection closes, and another test's server clearing the process's pools would close the
        // server's own.
        using var reader = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "exchange.db")};Mode=ReadOnly;Pooling=False");
        reader.Open();
        using (var client = server.Demo("sundsvall-kommun"))
        {
            // A write, so the SQLite write-ahead log exists.
            await client.Tokens.GetTokenAsync();
        }

        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(server.DataDirectory));
        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(Path.Combine(server.DataDirectory, "dev-credentials")));
        var files = Directory.GetFiles(server.DataDirectory, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.EndsWith("exchange.db", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("exchange.db-wal", StringComparison.Ordinal));
        Assert.All(files, f => Assert.True(File.GetUnixFileMode(f) == OwnerOnlyFile, $"{f} is {File.GetUnixFileMode(f)}"));
    }
}

[UnsupportedOSPlatform("windows")]
public class DataDirectoryRepairTests
{
    [Fact]
    public async Task Loose_permissions_are_repaired_at_start_and_reported()
    {
        var root = Path.Combine(Path.GetTempPath(), $"exchange-e2e-{Guid.NewGuid():N}");
        var data = Path.Combine(root, "exchange");
        Directory.CreateDirectory(Path.Combine(data, "dev-credentials"));
        File.SetUnixFileMode(data, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(Path.Combine(data, "dev-credentials"), (UnixFileMode)0b111_101_101);
        var stray = Path.Combine(data, "dev-credentials", "copied-by-hand.json");
        await File.WriteAllTextAsync(stray, "{}");
        File.SetUnixFileMode(stray, (UnixFileMode)0b110_100_100);

        await using var server = new ServerOnDirectory(root);
        try
        {
            await server.InitializeAsync();

            Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(data));
            Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(Path.Combine(data, "dev-credentials")));
            Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(stray));
            Assert.Contains(server.EmittedLogs, l => l.Contains("copied-by-hand.json", StringComparison.Ordinal) && l.Contains("0600", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}

/// <summary>The token signing key: checked before use, and rolled over without ending the tokens it signed.</summary>
[UnsupportedOSPlatform("windows")]
public class SigningKeyTests
{
    [Fact]
    public async Task Configured_signing_key_readable_by_others_refuses_start()
    {
        await using var server = new KeyedServer();
        var key = server.WriteKey("loose.pem", 3072, (UnixFileMode)0b110_100_100);
        server.SigningKeys = [key];

        var error = await Assert.ThrowsAnyAsync<Exception>(server.InitializeAsync);
        Assert.Contains("loose.pem", Errors.AllMessages(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configured_signing_key_that_is_too_small_refuses_start()
    {
        await using var server = new KeyedServer();
        server.SigningKeys = [server.WriteKey("small.pem", 1024)];

        var error = await Assert.ThrowsAnyAsync<Exception>(server.InitializeAsync);
        Assert.Contains("2048", Errors.AllMessages(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_signed_by_the_previous_key_stay_valid_until_it_is_removed()
    {
        var root = Path.Combine(Path.GetTempPath(), $"exchange-e2e-{Guid.NewGuid():N}");
        try
        {
            string oldKey, newKey, oldToken;
            await using (var before = new KeyedServer(root))
            {
                oldKey = before.WriteKey("2026-a.pem", 3072);
                newKey = before.WriteKey("2026-b.pem", 3072);
                before.SigningKeys = [oldKey];
                await before.InitializeAsync();
                using var client = before.Demo("sundsvall-kommun");
                oldToken = (await client.Tokens.GetTokenAsync()).Value;
            }

            await using (var during = new KeyedServer(root) { SigningKeys = [newKey, oldKey] })
            {
                await during.InitializeAsync();
                await during.ListIndicatorsWith(oldToken);
                using var client = during.Demo("sundsvall-kommun");
                var newToken = (await client.Tokens.GetTokenAsync()).Value;
                Assert.NotEqual(new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(oldToken).Kid, new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(newToken).Kid);
            }

            await using (var after = new KeyedServer(root) { SigningKeys = [newKey] })
            {
                await after.InitializeAsync();
                await RpcAssert.FailsWith(StatusCode.Unauthenticated, () => after.ListIndicatorsWith(oldToken));
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>A server whose signing keys are configured files: the first signs, the others only validate.</summary>
    private sealed class KeyedServer(string? root = null) : ExchangeServer(root)
    {
        public IReadOnlyList<string> SigningKeys { get; set; } = [];

        protected override IDictionary<string, string?> Settings
        {
            get
            {
                // One issuer across the restarts (each listens on another port).
                var settings = new Dictionary<string, string?>(base.Settings)
                {
                    ["Exchange:Tokens:SigningKeyPath"] = SigningKeys[0],
                    ["Exchange:Tokens:Issuer"] = "http://exchange.test/",
                };
                for (var i = 1; i < SigningKeys.Count; i++)
                {
                    settings[$"Exchange:Tokens:PreviousSigningKeyPaths:{i - 1}"] = SigningKeys[i];
                }
                return settings;
            }
        }

        public string WriteKey(string name, int bits, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
        {
            var keys = Path.Combine(Root, "keys");
            Directory.CreateDirectory(keys);
            var path = Path.Combine(keys, name);
            using var rsa = RSA.Create(bits);
            File.WriteAllText(path, rsa.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, mode);
            }
            return path;
        }

        public async Task ListIndicatorsWith(string token)
        {
            using var channel = AnonymousChannel();
            await new StatisticsService.StatisticsServiceClient(channel).ListIndicatorsAsync(new ListIndicatorsRequest(), new Metadata { { "Authorization", $"Bearer {token}" } });
        }
    }
}
