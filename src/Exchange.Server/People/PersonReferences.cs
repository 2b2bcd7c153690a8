using System.Security.Cryptography;
using System.Text;
using Exchange.Contracts;
using Exchange.Server.Storage;
using Microsoft.Extensions.Options;

namespace Exchange.Server.People;

/// <summary>
/// Derives a person's reference from the identity provider's issuer and the person's identifier:
/// HMAC-SHA256 under a key the server holds apart from the database, so that neither a reference nor
/// a copy of the store can be turned back into the identifier. Where the identifying claim is a
/// personnummer, a plain hash could: there are few enough personnummer to try them all. Outside
/// Development the key comes from configuration (<c>Exchange:People:ReferenceKey</c>, the same on
/// every server); in Development it is generated into the data directory.
/// </summary>
public sealed class PersonReferences
{
    public const string KeyFileName = "person-reference-key";

    public const string KeyRequired =
        "Exchange:People:ReferenceKey is required outside Development when Exchange:People:Issuer is set: base64 of 32 random bytes, " +
        "the same on every server, from a secret store or the environment, never from the data directory or its backups.";

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private readonly Lazy<byte[]> key;

    public PersonReferences(IOptions<PeopleOptions> options, IOptions<StorageOptions> storage, IHostEnvironment environment) =>
        // Loaded when first needed: a server without people never needs (nor has) the key.
        key = new Lazy<byte[]>(() => Checked(LoadKey(options.Value, storage.Value, environment)));

    public PersonReferences(byte[] key)
    {
        var checkedKey = Checked(key);
        this.key = new Lazy<byte[]>(() => checkedKey);
    }

    private static byte[] Checked(byte[] key) => key.Length >= 32
        ? key
        : throw new InvalidOperationException("Exchange:People:ReferenceKey must be base64 of 32 random bytes.");

    /// <summary>The reference of <paramref name="subject"/> at the issuer (without its trailing slash).</summary>
    public string Of(string normalisedIssuer, string subject)
    {
        var digest = HMACSHA256.HashData(key.Value, Encoding.UTF8.GetBytes($"exchange.person.v1\n{normalisedIssuer}\n{subject}"));
        var text = new StringBuilder(PersonReference.Length);
        // Five bits at a time from the front of the digest.
        for (var bit = 0; text.Length < PersonReference.Length; bit += 5)
        {
            var value = ((digest[bit / 8] << 8) | digest[(bit / 8) + 1]) >> (11 - (bit % 8)) & 0x1F;
            text.Append(Alphabet[value]);
        }
        return text.ToString();
    }

    private static byte[] LoadKey(PeopleOptions people, StorageOptions storage, IHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(people.ReferenceKey))
        {
            try
            {
                return Convert.FromBase64String(people.ReferenceKey);
            }
            catch (FormatException)
            {
                throw new InvalidOperationException("Exchange:People:ReferenceKey must be base64 of 32 random bytes.");
            }
        }
        if (!environment.IsDevelopment())
        {
            throw new InvalidOperationException(KeyRequired);
        }
        var path = Path.Combine(storage.ResolveDataDirectory(), KeyFileName);
        return Convert.FromBase64String(OwnerOnlyFile.ReadOrCreate(path, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
    }
}
