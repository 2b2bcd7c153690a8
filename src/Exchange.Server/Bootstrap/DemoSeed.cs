using System.Security.Cryptography;
using Exchange.Contracts;
using Exchange.Server.Audit;
using Exchange.Server.Authorization;
using Exchange.Server.Identity;
using Exchange.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Bootstrap;

/// <summary>
/// Development only: the parties of Västernorrland's action plan with their typical grants, each with
/// a client secret and a private_key_jwt key written to dev-credentials/, and a few indicators, so a
/// newcomer can make an authorised call minutes after cloning. Organisation numbers are demo values
/// with valid check digits.
/// </summary>
internal static class DemoSeed
{
    public static readonly IReadOnlyList<AuthorityEntity> Authorities =
    [
        Demo("polisregion-nord", "Polisregion Nord", PartyKind.Police, "2021000076", "22"),
        Demo("region-vasternorrland", "Region Västernorrland", PartyKind.Region, "2321000206", "22"),
        Demo("ange-kommun", "Ånge kommun", PartyKind.Municipality, "2120002403", "2260"),
        Demo("timra-kommun", "Timrå kommun", PartyKind.Municipality, "2120002429", "2262"),
        Demo("harnosand-kommun", "Härnösands kommun", PartyKind.Municipality, "2120002437", "2280"),
        Demo("sundsvall-kommun", "Sundsvalls kommun", PartyKind.Municipality, "2120002411", "2281"),
        Demo("kramfors-kommun", "Kramfors kommun", PartyKind.Municipality, "2120002445", "2282"),
        Demo("solleftea-kommun", "Sollefteå kommun", PartyKind.Municipality, "2120002452", "2283"),
        Demo("ornskoldsvik-kommun", "Örnsköldsviks kommun", PartyKind.Municipality, "2120002460", "2284"),
        Demo("lansstyrelsen-vasternorrland", "Länsstyrelsen Västernorrland", PartyKind.County, "2021002395", "22"),
        Demo("kvinnojouren-sundsvall", "Kvinnojouren i Sundsvall", PartyKind.Shelter, "8024000005", "2281"),
        // A second operator, so that break glass (two operators) can be tried; in production operators come from configuration.
        Demo("exchange-operator-2", "Exchange operators (second operator, demo)", PartyKind.Operator, "2021009994"),
        // The web app (src/Exchange.Web), which exchanges its people's ID tokens; it reads its credential from dev-credentials/.
        Demo("exchange-web", "Exchange web app (demo)", PartyKind.WebApp, "2021009986"),
    ];

    /// <summary>
    /// The development IdP's test persons (src/Exchange.DevIdp, by subject) and their memberships; the
    /// person without one shows what such a person sees.
    /// </summary>
    public static readonly IReadOnlyList<(string Subject, string AuthorityId, string Name, MemberRoleKind[] Roles)> Members =
    [
        ("kramfors-handlaggare", "kramfors-kommun", "Karin Berg", [MemberRoleKind.CaseWorker]),
        ("polis-handlaggare", "polisregion-nord", "Per Lind", [MemberRoleKind.CaseWorker]),
        ("sundsvall-handlaggare", "sundsvall-kommun", "Sara Ek", [MemberRoleKind.CaseWorker]),
        ("kramfors-admin", "kramfors-kommun", "Klas Holm", [MemberRoleKind.LocalAdministrator]),
        ("lansstyrelsen-analytiker", "lansstyrelsen-vasternorrland", "Lena Sjö", [MemberRoleKind.Analyst]),
        ("sundsvall-analytiker", "sundsvall-kommun", "Stina Wall", [MemberRoleKind.Analyst]),
        ("operator", OperatorOptions.DefaultAuthorityId, "Olle Strand", [MemberRoleKind.Operator]),
    ];

    /// <summary>Registers <see cref="Members"/> with the configured identity provider (Exchange:People), once.</summary>
    public static async Task SeedMembersAsync(IServiceProvider services, People.PeopleOptions people, CancellationToken cancellationToken)
    {
        if (!people.Enabled)
        {
            return;
        }
        var db = services.GetRequiredService<ExchangeDbContext>();
        var audit = services.GetRequiredService<AuditLog>();
        var references = services.GetRequiredService<People.PersonReferences>();
        foreach (var (subject, authorityId, name, roles) in Members)
        {
            var reference = references.Of(people.NormalisedIssuer, subject);
            if (!await db.Authorities.AnyAsync(a => a.Id == authorityId, cancellationToken)
                || await db.Members.AnyAsync(m => m.AuthorityId == authorityId && m.PersonReference == reference, cancellationToken))
            {
                continue;
            }
            var member = new MemberEntity
            {
                Id = "m-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
                AuthorityId = authorityId,
                PersonReference = reference,
                DisplayName = name,
                Roles = [.. roles],
                CreatedAt = services.GetRequiredService<TimeProvider>().GetUtcNow(),
                CreatedByAuthorityId = SystemActors.DemoSeed,
            };
            db.Members.Add(member);
            await audit.SaveWithAuditAsync(db, new AuditRecord(SystemActors.DemoSeed, "member.added", "member", member.Id) { SubjectAuthorityId = authorityId }, cancellationToken);
        }
    }

    public static async Task SeedAsync(IServiceProvider services, string serverAddress, string directory, ILogger logger, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<ExchangeDbContext>();
        foreach (var template in Authorities)
        {
            if (await db.Authorities.FirstOrDefaultAsync(a => a.Id == template.Id, cancellationToken) is { } existing)
            {
                // A demo directory from before referrals: its recipients take them as new ones do.
                if (existing.AcceptsReferralsFrom.Count == 0 && template.AcceptsReferralsFrom.Count > 0)
                {
                    existing.AcceptsReferralsFrom = [.. template.AcceptsReferralsFrom];
                    await db.SaveChangesAsync(cancellationToken);
                }
                continue;
            }
            var authority = Demo(template.Id, template.Name, template.Kind, template.OrganisationNumber, [.. template.AreaCodes]);
            var secret = await OperatorBootstrap.CreateAuthorityAsync(services, authority, KindPolicy.TypicalScopes(authority.Kind), "demo seed (Development)", SystemActors.DemoSeed, cancellationToken);
            using var rsa = RSA.Create(2048);
            var keyId = $"{authority.Id}-demo";
            var publicJwk = PublicJwk.Parse(PublicKeys.JwkFromPem(rsa.ExportSubjectPublicKeyInfoPem(), keyId), out _)!;
            await services.GetRequiredService<CredentialRegistry>().AddKeyAsync(authority.Id, publicJwk, CredentialOrigin.System, SystemActors.DemoSeed, cancellationToken);
            var path = Path.Combine(directory, $"{authority.Id}.json");
            new CredentialFile
            {
                Server = serverAddress,
                ClientId = authority.Id,
                ClientSecret = secret,
                PrivateKeyPem = rsa.ExportPkcs8PrivateKeyPem(),
                KeyId = keyId,
            }.Save(path);
            BootstrapLog.DemoCredentialWritten(logger, authority.Id, path);
        }
    }

    private static AuthorityEntity Demo(string id, string name, PartyKind kind, string organisationNumber, params string[] areaCodes) => new()
    {
        Id = id,
        Name = name,
        Kind = kind,
        OrganisationNumber = organisationNumber,
        AreaCodes = [.. areaCodes],
        // A demo recipient takes referrals from every kind that typically sends them.
        AcceptsReferralsFrom = KindPolicy.TypicalScopes(kind).Contains(Scopes.ReferralsReceive)
            ? [.. Enum.GetValues<PartyKind>().Where(k => KindPolicy.TypicalScopes(k).Contains(Scopes.ReferralsSend))]
            : [],
    };
}
