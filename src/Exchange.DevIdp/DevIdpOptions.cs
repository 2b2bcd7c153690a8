namespace Exchange.DevIdp;

/// <summary>The section <c>DevIdp</c>. The defaults (one client, eight test persons) are in appsettings.json only:
/// the configuration binder appends to a list a property already holds, so defaults in code would never go away.</summary>
public sealed class DevIdpOptions
{
    public const string Section = "DevIdp";

    /// <summary>The issuer tokens name; empty means the base URL of each request (the URL the IdP is reached at).</summary>
    public string? Issuer { get; set; }

    /// <summary>Where the signing key is kept; empty means <c>exchange-devidp</c> under the system's temp directory.</summary>
    public string? DataDirectory { get; set; }

    public List<DevIdpClient> Clients { get; set; } = [];

    public List<TestPerson> Persons { get; set; } = [];

    public string ResolveDataDirectory() =>
        string.IsNullOrWhiteSpace(DataDirectory) ? Path.Combine(Path.GetTempPath(), "exchange-devidp") : Path.GetFullPath(DataDirectory);

    public Uri? ParseIssuer() => string.IsNullOrWhiteSpace(Issuer) ? null : new Uri(Issuer, UriKind.Absolute);

    public TestPerson? FindPerson(string? subject) =>
        string.IsNullOrEmpty(subject) ? null : Persons.Find(p => string.Equals(p.Subject, subject, StringComparison.Ordinal));

    /// <summary>Refuses a configuration that would only fail later, at a login, with a less useful message.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (!string.IsNullOrWhiteSpace(Issuer) && (!Uri.TryCreate(Issuer, UriKind.Absolute, out var issuer)
            || (issuer.Scheme != Uri.UriSchemeHttp && issuer.Scheme != Uri.UriSchemeHttps) || issuer.Query.Length > 0 || issuer.Fragment.Length > 0))
        {
            errors.Add("DevIdp:Issuer must be an absolute http(s) URL without query or fragment, e.g. http://localhost:5190/.");
        }
        if (Clients.Count == 0)
        {
            errors.Add("DevIdp:Clients names no client.");
        }
        foreach (var (client, i) in Clients.Select((c, i) => (c, i)))
        {
            if (string.IsNullOrWhiteSpace(client.ClientId))
            {
                errors.Add($"DevIdp:Clients:{i}:ClientId is empty.");
            }
            if (client.RedirectUris.Count == 0)
            {
                errors.Add($"DevIdp:Clients:{i}:RedirectUris is empty.");
            }
            errors.AddRange(client.RedirectUris.Concat(client.PostLogoutRedirectUris)
                .Where(u => !Uri.TryCreate(u, UriKind.Absolute, out _))
                .Select(u => $"DevIdp:Clients:{i} has a redirect URI that is not absolute: '{u}'."));
        }
        errors.AddRange(Clients.GroupBy(c => c.ClientId, StringComparer.Ordinal).Where(g => g.Count() > 1)
            .Select(g => $"DevIdp:Clients names client '{g.Key}' more than once."));
        if (Persons.Count == 0)
        {
            errors.Add("DevIdp:Persons names no test person.");
        }
        foreach (var (person, i) in Persons.Select((p, i) => (p, i)))
        {
            if (string.IsNullOrWhiteSpace(person.Subject) || string.IsNullOrWhiteSpace(person.Name))
            {
                errors.Add($"DevIdp:Persons:{i} needs a Subject and a Name.");
            }
            if (!PersonalIdentityNumber.IsValid(person.PersonalIdentityNumber))
            {
                // Which person, not the number: it is personal data in form if not in fact.
                errors.Add($"DevIdp:Persons:{i}:PersonalIdentityNumber is not 12 digits (YYYYMMDDNNNC) with a valid check digit.");
            }
        }
        errors.AddRange(Persons.GroupBy(p => p.Subject, StringComparer.Ordinal).Where(g => g.Count() > 1)
            .Select(g => $"DevIdp:Persons names subject '{g.Key}' more than once."));
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Exchange.DevIdp's configuration is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }
    }
}

/// <summary>A relying party: a public client (no secret) that must use PKCE and the code flow.</summary>
public sealed class DevIdpClient
{
    public string ClientId { get; set; } = "";

    public List<string> RedirectUris { get; set; } = [];

    public List<string> PostLogoutRedirectUris { get; set; } = [];
}

/// <summary>A person one can log in as. All of it is made up; the personnummer is synthetic.</summary>
public sealed class TestPerson
{
    public string Subject { get; set; } = "";

    public string Name { get; set; } = "";

    public string GivenName { get; set; } = "";

    public string FamilyName { get; set; } = "";

    /// <summary>Shown on the login page, in Swedish: what the person is for in a test.</summary>
    public string Description { get; set; } = "";

    /// <summary>12 digits, YYYYMMDDNNNC. Goes into the ID token; never into a log line.</summary>
    public string PersonalIdentityNumber { get; set; } = "";
}

public static class DevIdpOptionsExtensions
{
    public static WebApplicationBuilder AddDevIdpOptions(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(DevIdpOptions.Section).Get<DevIdpOptions>() ?? new DevIdpOptions();
        options.Validate();
        builder.Services.AddSingleton(options);
        return builder;
    }

    /// <summary>The options AddDevIdpOptions validated, for what is configured before the host is built.</summary>
    internal static DevIdpOptions GetDevIdpOptions(this WebApplicationBuilder builder) =>
        builder.Services.Select(d => d.ImplementationInstance).OfType<DevIdpOptions>().SingleOrDefault()
        ?? throw new InvalidOperationException("Call AddDevIdpOptions first.");
}
