namespace Exchange.Client;

/// <summary>The token endpoint refused to issue an access token (e.g. <c>invalid_client</c>, <c>invalid_scope</c>, a disabled authority).</summary>
public sealed class ExchangeAuthenticationException(string error, string? description)
    : Exception($"The Exchange token endpoint refused a token: {error}{(string.IsNullOrEmpty(description) ? "" : $" ({description})")}")
{
    /// <summary>The OAuth 2.0 error code, e.g. <c>invalid_client</c>.</summary>
    public string Error { get; } = error;

    /// <summary>The server's explanation, if any.</summary>
    public string? Description { get; } = description;
}
