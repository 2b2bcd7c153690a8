namespace Exchange.Contracts;

/// <summary>
/// Where a server on this machine keeps its files by default, and so where <c>exchange-admin</c>
/// looks for the operator credential the server's first start writes there.
/// </summary>
public static class DefaultLocations
{
    /// <summary>The operator credential's file name in the data directory.</summary>
    public const string OperatorCredentialFileName = "operator-credential.json";

    /// <summary><c>exchange</c> under the user's local application data folder (<c>$XDG_DATA_HOME</c> or <c>~/.local/share</c> on Linux).</summary>
    public static string DataDirectory() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "exchange");
}
