namespace Exchange.Server.Authorization;

/// <summary>The claims of the exchange's own in its access tokens, read on every call.</summary>
public static class TokenClaims
{
    /// <summary>The authority's token version at issue time; an older one than the authority's is refused.</summary>
    public const string TokenVersion = "exchange_tv";
}
