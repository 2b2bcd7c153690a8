namespace Exchange.Client;

/// <summary>
/// A short-lived access token of an authority, issued for one person acting for it (OAuth 2.0 token
/// exchange, RFC 8693): its subject is the authority, its actor the person's membership. What the
/// token allows is what the person's roles allow within the authority's own grants; the server checks
/// the membership again on every call.
/// </summary>
/// <param name="Token">The access token to send as a bearer token.</param>
/// <param name="AuthorityId">The authority the person acts for.</param>
/// <param name="AuthorityName">The authority's name.</param>
/// <param name="MemberId">The person's membership id, which the audit names.</param>
/// <param name="MemberName">The person's name as the administrator registered it.</param>
/// <param name="Roles">The membership's roles: <c>case-worker</c>, <c>analyst</c>, <c>local-administrator</c>, <c>operator</c>.</param>
/// <param name="OtherAuthorityIds">Other authorities the person is a member of, which a new exchange may name.</param>
public sealed record PersonToken(
    AccessToken Token,
    string AuthorityId,
    string AuthorityName,
    string MemberId,
    string MemberName,
    IReadOnlyList<string> Roles,
    IReadOnlyList<string> OtherAuthorityIds);

/// <summary>The parameters of the exchange's token exchange, for clients not written in .NET.</summary>
public static class PersonTokenExchange
{
    /// <summary>The grant type (RFC 8693).</summary>
    public const string GrantType = "urn:ietf:params:oauth:grant-type:token-exchange";

    /// <summary>The subject token type of an OpenID Connect ID token.</summary>
    public const string IdTokenType = "urn:ietf:params:oauth:token-type:id_token";

    /// <summary>The request parameter naming the authority to act for, when the person is a member of several.</summary>
    public const string AuthorityParameter = "exchange_authority";

    /// <summary>The error parameter carrying the person reference when the person has no membership.</summary>
    public const string PersonReferenceParameter = "exchange_person_reference";
}
