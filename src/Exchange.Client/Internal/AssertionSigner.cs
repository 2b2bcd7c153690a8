using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Duende.IdentityModel;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Client.Internal;

/// <summary>
/// Signs client assertions with the key the options name at the moment of each token request: a PEM
/// string, a PEM file read again on every request (so a rotated key is used at once), or a signing
/// callback for a key that never leaves its HSM or vault.
/// </summary>
internal sealed class AssertionSigner(ExchangeClientOptions options)
{
    private LoadedKey? loaded;

    /// <summary>What the next token request authenticates with; <see cref="Credential.Identity"/> changes when the key or kid does.</summary>
    public async ValueTask<Credential> CurrentAsync(CancellationToken cancellationToken)
    {
        var keyId = options.KeyId ?? "";
        if (options.SignAsync is { } sign)
        {
            var algorithm = options.SigningAlgorithm!;
            return new Credential($"sign\n{keyId}\n{algorithm}", KeyChanged: false, (now, ct) => SignWithCallbackAsync(sign, algorithm, keyId, now, ct));
        }
        string? pem = options.PrivateKeyPem;
        if (!string.IsNullOrEmpty(options.PrivateKeyPath))
        {
            // Read on every token request (a few times an hour): a file replaced by a secret store or an
            // operator is noticed without watching it, and at the latest by the next token.
            pem = await File.ReadAllTextAsync(options.PrivateKeyPath, cancellationToken).ConfigureAwait(false);
        }
        if (string.IsNullOrEmpty(pem))
        {
            return new Credential($"secret\n{options.ClientSecret}", KeyChanged: false, Assertion: null);
        }
        // Token requests are serialised by the provider, so this cache needs no lock.
        var previous = loaded;
        var key = previous;
        if (key is null || key.Pem != pem || key.KeyId != keyId)
        {
            try
            {
                key = loaded = new LoadedKey(pem, keyId, LoadKey(pem, keyId));
            }
            catch (ArgumentException e)
            {
                // The message names the file, no part of its content: it may be logged.
                throw new CryptographicException($"The private key file {options.PrivateKeyPath} holds no RSA or EC private key in PEM.", e);
            }
        }
        var signingKey = key.SecurityKey;
        return new Credential($"key\n{keyId}\n{pem}", previous is not null && !ReferenceEquals(previous, key), (now, _) => ValueTask.FromResult(Sign(signingKey, now)));
    }

    /// <summary>
    /// Loads a key given as PEM at once, so that a client with a key it cannot read is refused when it is
    /// created rather than at its first call.
    /// </summary>
    /// <exception cref="ArgumentException"><see cref="ExchangeClientOptions.PrivateKeyPem"/> is not a private key.</exception>
    public void LoadPem()
    {
        if (options.SignAsync is null && string.IsNullOrEmpty(options.PrivateKeyPath) && options.PrivateKeyPem is { Length: > 0 } pem)
        {
            try
            {
                loaded = new LoadedKey(pem, options.KeyId ?? "", LoadKey(pem, options.KeyId ?? ""));
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException)
            {
                throw new ArgumentException("ExchangeClientOptions.PrivateKeyPem is not an RSA or EC private key in PEM.", e);
            }
        }
    }

    /// <summary>The authentication of one token request: an assertion maker, or none for a client secret.</summary>
    /// <param name="Identity">Tells credentials apart (in memory only; it holds the secret or key).</param>
    /// <param name="KeyChanged">Whether a key was loaded anew for this request.</param>
    /// <param name="Assertion">Makes a signed assertion dated at the time given.</param>
    internal sealed record Credential(string Identity, bool KeyChanged, Func<DateTime, CancellationToken, ValueTask<string>>? Assertion)
    {
        public override string ToString() => "Credential";
    }

    private sealed record LoadedKey(string Pem, string KeyId, SecurityKey SecurityKey);

    private Dictionary<string, object> Claims(DateTime now)
    {
        var issuer = options.Issuer ?? new Uri(options.Address!, "/");
        var seconds = new DateTimeOffset(now, TimeSpan.Zero).ToUnixTimeSeconds();
        return new Dictionary<string, object>
        {
            [JwtClaimTypes.Issuer] = options.ClientId,
            [JwtClaimTypes.Subject] = options.ClientId,
            [JwtClaimTypes.Audience] = issuer.ToString(),
            [JwtClaimTypes.JwtId] = Guid.NewGuid().ToString("N"),
            [JwtClaimTypes.IssuedAt] = seconds,
            [JwtClaimTypes.NotBefore] = seconds,
            [JwtClaimTypes.Expiration] = seconds + 120,
        };
    }

    private string Sign(SecurityKey key, DateTime now)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.ClientId,
            Audience = (options.Issuer ?? new Uri(options.Address!, "/")).ToString(),
            Subject = new ClaimsIdentity([new Claim(JwtClaimTypes.Subject, options.ClientId), new Claim(JwtClaimTypes.JwtId, Guid.NewGuid().ToString("N"))]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(2),
            TokenType = AssertionType,
            SigningCredentials = new SigningCredentials(key, key is ECDsaSecurityKey ec ? EcAlgorithm(ec) : SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private const string AssertionType = "client-authentication+jwt";

    /// <summary>The JWS compact serialisation by hand: the signature comes from outside, so no library key object exists.</summary>
    private async ValueTask<string> SignWithCallbackAsync(Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask<byte[]>> sign, string algorithm, string keyId, DateTime now, CancellationToken cancellationToken)
    {
        var header = Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = algorithm, ["kid"] = keyId, ["typ"] = AssertionType }));
        var payload = Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(Claims(now)));
        var signingInput = $"{header}.{payload}";
        var signature = await sign(Encoding.ASCII.GetBytes(signingInput), cancellationToken).ConfigureAwait(false);
        if (signature is not { Length: > 0 })
        {
            throw new InvalidOperationException("ExchangeClientOptions.SignAsync returned no signature.");
        }
        return $"{signingInput}.{Base64UrlEncoder.Encode(signature)}";
    }

    private static string EcAlgorithm(ECDsaSecurityKey key) => key.KeySize switch
    {
        384 => SecurityAlgorithms.EcdsaSha384,
        521 => SecurityAlgorithms.EcdsaSha512,
        _ => SecurityAlgorithms.EcdsaSha256,
    };

    private static SecurityKey LoadKey(string pem, string keyId)
    {
        if (TryEc(pem) is { } ecdsa)
        {
            return new ECDsaSecurityKey(ecdsa) { KeyId = keyId };
        }
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
        return new RsaSecurityKey(rsa) { KeyId = keyId };
    }

    private static ECDsa? TryEc(string pem)
    {
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(pem);
            return ecdsa;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            ecdsa.Dispose();
            return null;
        }
    }
}
