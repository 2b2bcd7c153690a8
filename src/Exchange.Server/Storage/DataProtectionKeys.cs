using System.Xml.Linq;
using Exchange.Contracts;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Exchange.Server.Storage;

/// <summary>
/// ASP.NET Core Data Protection keys, kept in the data directory with the server's other keys:
/// without a repository they are ephemeral (lost at every restart, and different on every server).
/// The server itself protects nothing with them today — tokens are signed and sealed with the
/// OpenIddict keys — but the framework creates them, and whatever uses them later (antiforgery,
/// cookies) must survive a restart and agree across servers on one data directory.
/// </summary>
internal static class DataProtectionKeys
{
    public const string DirectoryName = "data-protection-keys";

    public static void AddExchangeDataProtection(this IServiceCollection services, string dataDirectory) =>
        services.AddDataProtection()
            .SetApplicationName("Exchange.Server")
            .AddKeyManagementOptions(o => o.XmlRepository = new OwnerOnlyXmlRepository(Path.Combine(dataDirectory, DirectoryName)));

    /// <summary>As the framework's file repository, but each key file owner-only from its first byte, like every key here.</summary>
    private sealed class OwnerOnlyXmlRepository(string directory) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements() => Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "*.xml").Select(XElement.Load).ToList()
            : [];

        public void StoreElement(XElement element, string friendlyName)
        {
            OwnerOnlyFile.CreateDirectory(directory);
            OwnerOnlyFile.Write(Path.Combine(directory, $"{friendlyName}.xml"), element.ToString(SaveOptions.DisableFormatting), replace: false);
        }
    }
}
