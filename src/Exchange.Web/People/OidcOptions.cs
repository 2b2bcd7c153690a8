namespace Exchange.Web.People;

/// <summary>The county's OpenID Connect provider (section <c>Oidc</c>).</summary>
public sealed class OidcSettings
{
    public const string Section = "Oidc";

    /// <summary>The provider's issuer, e.g. <c>https://idp.example.se</c>; https outside Development.</summary>
    public Uri? Authority { get; set; }

    /// <summary>This app's client id at the provider: a public client by default.</summary>
    public string ClientId { get; set; } = "exchange-web";

    /// <summary>Only for a confidential client.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Whether the discovery document must come over https; false only in Development.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}

/// <summary>How the web app reaches the exchange (section <c>Exchange</c>).</summary>
public sealed class ExchangeConnectionOptions
{
    public const string Section = "Exchange";

    /// <summary>The exchange's gRPC address; https outside Development.</summary>
    public Uri Address { get; set; } = new("http://127.0.0.1:5080");

    /// <summary>The web app party's credential file (<c>client_id</c> and a secret or key) for the token exchange.</summary>
    public string? CredentialFile { get; set; }
}
