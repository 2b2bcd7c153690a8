namespace Exchange.Server.Authorization;

/// <summary>The claims of the exchange's own in its access tokens, read on every call.</summary>
public static class TokenClaims
{
    /// <summary>The authority's token version at issue time; an older one than the authority's is refused.</summary>
    public const string TokenVersion = "exchange_tv";

    /// <summary>In a person's token: the membership the person acts through (also in the RFC 8693 <c>act</c> claim).</summary>
    public const string Member = "exchange_member";

    /// <summary>In a person's token: the membership's version at issue time; a change of roles ends the token.</summary>
    public const string MemberVersion = "exchange_mv";
}
