namespace Exchange.Client;

/// <summary>An access token and when it expires.</summary>
/// <param name="Value">The bearer token.</param>
/// <param name="ExpiresAt">When the server stops accepting it.</param>
/// <param name="Scopes">The scopes it carries.</param>
public sealed record AccessToken(string Value, DateTimeOffset ExpiresAt, IReadOnlyList<string> Scopes);
