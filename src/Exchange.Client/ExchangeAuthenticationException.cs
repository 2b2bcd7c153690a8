namespace Exchange.Client;

/// <summary>
/// The token endpoint refused to issue an access token (e.g. <c>invalid_client</c> for a revoked key or an
/// unknown kid, <c>invalid_scope</c>, a disabled authority). A call through <see cref="ExchangeClient"/>
/// surfaces it as an <see cref="Grpc.Core.RpcException"/> with <c>UNAUTHENTICATED</c> (or
/// <c>PERMISSION_DENIED</c> for <c>invalid_scope</c> and for <c>unauthorized_client</c>, e.g. a disabled
/// authority) and this message.
/// </summary>
public sealed class ExchangeAuthenticationException : Exception
{
    /// <summary>A refusal as the token endpoint answered it.</summary>
    public ExchangeAuthenticationException(string error, string? description)
        : this(error, description, null)
    {
    }

    /// <summary>A refusal, remembered until <paramref name="nextAttemptAt"/>.</summary>
    public ExchangeAuthenticationException(string error, string? description, DateTimeOffset? nextAttemptAt)
        : base($"The Exchange token endpoint refused a token: {error}{(string.IsNullOrEmpty(description) ? "" : $" ({description})")}"
            + (nextAttemptAt is { } next ? $"; not asked again before {next.UtcDateTime:HH:mm:ss} UTC" : ""))
    {
        Error = error;
        Description = description;
        NextAttemptAt = nextAttemptAt;
    }

    /// <summary>The OAuth 2.0 error code, e.g. <c>invalid_client</c>.</summary>
    public string Error { get; }

    /// <summary>The server's explanation, if any.</summary>
    public string? Description { get; }

    /// <summary>
    /// When the token endpoint will be asked again: until then every token request fails at once with this
    /// refusal, so a revoked key does not send one token request per call. Null when not known.
    /// </summary>
    public DateTimeOffset? NextAttemptAt { get; }

    /// <summary>
    /// When a person's token exchange was refused because the person has no membership: the person
    /// reference an administrator registers the person by. Null otherwise.
    /// </summary>
    public string? PersonReference { get; init; }
}
