namespace Exchange.DevIdp;

/// <summary>Every line the IdP writes. A test person's subject is logged; their personnummer never is.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "ID tokens are signed with key {KeyId} from {Path} ({Origin})")]
    public static partial void SigningKey(ILogger logger, string keyId, string path, string origin);

    [LoggerMessage(2, LogLevel.Information, "Client {ClientId} registered: redirect URIs {RedirectUris}; post-logout redirect URIs {PostLogoutRedirectUris}")]
    public static partial void ClientRegistered(ILogger logger, string clientId, string redirectUris, string postLogoutRedirectUris);

    [LoggerMessage(3, LogLevel.Information, "Test person {Subject} signed in for client {ClientId} ({Via})")]
    public static partial void PersonSignedIn(ILogger logger, string subject, string? clientId, string via);

    // The hint's value is not logged: a caller may put anything in it, a real personnummer too.
    [LoggerMessage(4, LogLevel.Information, "A login_hint named no test person; showing the login page")]
    public static partial void UnknownLoginHint(ILogger logger);

    [LoggerMessage(5, LogLevel.Warning, "A login form came back without a valid antiforgery token; showing the login page again")]
    public static partial void InvalidAntiforgery(ILogger logger);

    [LoggerMessage(6, LogLevel.Information, "Test person {Subject} signed out")]
    public static partial void PersonSignedOut(ILogger logger, string subject);

    [LoggerMessage(7, LogLevel.Warning, "A code was redeemed for test person {Subject}, who is no longer configured; refused")]
    public static partial void PersonGone(ILogger logger, string subject);
}
