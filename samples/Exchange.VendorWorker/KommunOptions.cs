using Exchange.Contracts;

namespace Exchange.VendorWorker;

/// <summary>One kommun this vendor integrates: a section <c>Kommuner:&lt;authority id&gt;</c>.</summary>
public sealed class KommunOptions
{
    public const string Section = "Kommuner";

    /// <summary>The kommun's authority id, e.g. <c>sundsvall-kommun</c>: the section's name.</summary>
    public string AuthorityId { get; set; } = "";

    /// <summary>
    /// The kommun's credential file (its key or secret and the server's address), as the kommun's
    /// operator handed it over. Default: the demo credential a development server writes, so the
    /// sample runs against <c>dotnet run --project src/Exchange.Server</c> as it is.
    /// </summary>
    public string? CredentialFile { get; set; }

    /// <summary>The server's address, when it is not the one in the credential file.</summary>
    public Uri? Address { get; set; }

    public static KommunOptions From(IConfigurationSection section)
    {
        var options = section.Get<KommunOptions>() ?? new KommunOptions();
        options.AuthorityId = section.Key;
        if (string.IsNullOrWhiteSpace(options.CredentialFile))
        {
            options.CredentialFile = Path.Combine(DefaultLocations.DataDirectory(), "dev-credentials", $"{section.Key}.json");
        }
        return options;
    }
}

/// <summary>Section <c>Worker</c>: what every kommun's integration shares.</summary>
public sealed class WorkerOptions
{
    public const string Section = "Worker";

    /// <summary>How often the catalogue and the inbox are counted. Default 5 minutes.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Count once for every kommun, then stop (exit code 1 if any kommun failed): for a smoke test.</summary>
    public bool Once { get; set; }

    /// <summary>Where each kommun's watch cursor is kept, so a restart misses no referral. Default <c>state</c> beside the content root.</summary>
    public string? StateDirectory { get; set; }
}
