using System.ComponentModel.DataAnnotations;

namespace Exchange.Server.People;

/// <summary>
/// Configuration section <c>Exchange:People</c>: the identity provider whose ID tokens the token
/// exchange accepts for people (in a county an IdP or federation in front of SITHS eID or Freja eID+;
/// in Development the development IdP). Without an issuer, people cannot act in the exchange.
/// </summary>
public sealed class PeopleOptions
{
    public const string Section = "Exchange:People";

    /// <summary>The identity provider's issuer, exactly as its ID tokens name it, e.g. <c>https://idp.lvn.se/</c>.</summary>
    public string? Issuer { get; set; }

    /// <summary>Where its OpenID Connect metadata is; defaults to <c>{Issuer}/.well-known/openid-configuration</c>.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>The audience its ID tokens carry: the web app's client id at the identity provider.</summary>
    public string Audience { get; set; } = "exchange-web";

    /// <summary>
    /// The claim that identifies a person for good: <c>sub</c> (the default), or a Swedish OIDC claim such
    /// as <c>https://id.oidc.se/claim/personalIdentityNumber</c> or an HSA-id claim. Only a digest of it
    /// is stored (the person reference).
    /// </summary>
    [Required]
    public string PersonClaim { get; set; } = "sub";

    /// <summary>
    /// Base64 of 32 random bytes: the key person references are derived with (<see cref="PersonReferences"/>).
    /// Required outside Development; the same on every server; kept apart from the database and its backups.
    /// Changing it changes every reference, so every member must be registered again.
    /// </summary>
    public string? ReferenceKey { get; set; }

    /// <summary>How long a person's token lives. Short: roles and memberships are checked on every call anyway.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "01:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The leeway for the ID token's times.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    public bool Enabled => !string.IsNullOrWhiteSpace(Issuer);

    /// <summary>The issuer as the person reference hashes it: one form, with or without the trailing slash.</summary>
    public string NormalisedIssuer => (Issuer ?? "").TrimEnd('/');
}
