using Exchange.V1;

namespace Exchange.Web.Console;

/// <summary>What an operator types about an authority, for CreateAuthority and UpdateAuthority.</summary>
public sealed class AuthorityForm
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public AuthorityKind Kind { get; set; }
    public string OrganisationNumber { get; set; } = "";

    /// <summary>Kommunkoder (or a county code) with commas or spaces between them.</summary>
    public string AreaCodes { get; set; } = "";

    public HashSet<AuthorityKind> AcceptsReferralsFrom { get; } = [];

    /// <summary>Two units of one organisation (the server refuses a shared number otherwise).</summary>
    public bool AllowSharedOrganisationNumber { get; set; }

    public static AuthorityForm From(Authority authority)
    {
        ArgumentNullException.ThrowIfNull(authority);
        var form = new AuthorityForm
        {
            Id = authority.Id,
            Name = authority.Name,
            Kind = authority.Kind,
            OrganisationNumber = authority.OrganisationNumber,
            AreaCodes = string.Join(", ", authority.AreaCodes),
        };
        form.AcceptsReferralsFrom.UnionWith(authority.AcceptsReferralsFrom);
        return form;
    }

    /// <summary>The authority as the request carries it; the server checks every field and names each bad one.</summary>
    public Authority ToAuthority() => new()
    {
        Id = Id.Trim(),
        Name = Name.Trim(),
        Kind = Kind,
        OrganisationNumber = OrganisationNumber.Trim(),
        AreaCodes = { ConsoleTexts.Codes(AreaCodes) },
        AcceptsReferralsFrom = { AcceptsReferralsFrom.Order() },
    };
}
