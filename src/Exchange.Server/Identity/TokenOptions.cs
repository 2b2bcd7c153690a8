using System.ComponentModel.DataAnnotations;

namespace Exchange.Server.Identity;

/// <summary>Configuration section <c>Exchange:Tokens</c>.</summary>
public sealed class TokenOptions : IValidatableObject
{
    public const string Section = "Exchange:Tokens";

    /// <summary>
    /// The issuer URL, named in every token and required as the audience of client assertions.
    /// Required outside Development; in Development, when empty, derived from each request's host.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>Access token lifetime. Default 15 minutes.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00", ErrorMessage = "AccessTokenLifetime must be 1 minute to 1 day.")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Lifetime of a token that carries the <c>account</c> scope (managing the authority's own
    /// credentials): short, so that using it proves recent possession of a current credential.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "00:15:00", ErrorMessage = "AccountTokenLifetime must be 1 to 15 minutes.")]
    public TimeSpan AccountTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// PEM file with the RSA private key (at least 2048 bits, readable by the server's user only) that
    /// signs access tokens. Every replica must use the same file. When empty, a key is generated once
    /// into the data directory.
    /// </summary>
    public string? SigningKeyPath { get; set; }

    /// <summary>
    /// Earlier signing keys, kept after a rollover so that the tokens they signed stay valid until
    /// they expire. They validate; they never sign. Remove them once an access token lifetime has passed.
    /// </summary>
    public List<string> PreviousSigningKeyPaths { get; set; } = [];

    /// <summary>
    /// Base64 of 32 random bytes, the key OpenIddict encrypts its internal tokens with. Every replica
    /// must use the same value. When empty, generated once into the data directory.
    /// </summary>
    public string? EncryptionKey { get; set; }

    /// <summary>Allow the token endpoint over cleartext HTTP/2 (Development and loopback tests only).</summary>
    public bool AllowCleartext { get; set; }

    /// <summary>The longest a client assertion may be valid (its <c>exp</c> after now, and after its <c>iat</c>). Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "00:15:00", ErrorMessage = "ClientAssertionMaxLifetime must be 30 seconds to 15 minutes.")]
    public TimeSpan ClientAssertionMaxLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How far an authority's clock may run ahead of the server's for <c>iat</c> and <c>nbf</c>. Default 60 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00", ErrorMessage = "ClockSkew must be 0 to 5 minutes.")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How failed client authentication is throttled.</summary>
    public FailureThrottleOptions FailureThrottle { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(FailureThrottle, new ValidationContext(FailureThrottle), results, validateAllProperties: true);
        return results.Select(r => new ValidationResult($"FailureThrottle:{r.ErrorMessage}", r.MemberNames));
    }
}

/// <summary>
/// Configuration section <c>Exchange:Tokens:FailureThrottle</c>: after this many failed client
/// authentications within the window, further token requests for that client id, or from that
/// source address, are answered 429 until the window ends.
/// </summary>
public sealed class FailureThrottleOptions
{
    /// <summary>Failures per client id per window. Default 20.</summary>
    [Range(1, 1_000_000, ErrorMessage = "PerClient must be 1 to 1,000,000.")]
    public int PerClient { get; set; } = 20;

    /// <summary>Failures per source address per window. Default 50.</summary>
    [Range(1, 1_000_000, ErrorMessage = "PerAddress must be 1 to 1,000,000.")]
    public int PerAddress { get; set; } = 50;

    /// <summary>The window. Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00", ErrorMessage = "Window must be 10 seconds to 1 day.")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);
}
