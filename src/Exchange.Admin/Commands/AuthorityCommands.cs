using System.CommandLine;
using Exchange.V1;

namespace Exchange.Admin.Commands;

internal static class AuthorityCommands
{
    public static Command Build()
    {
        var command = new Command("authority", "Register, list, show, disable and enable authorities.");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Update());
        command.Subcommands.Add(SetEnabled("disable", enabled: false));
        command.Subcommands.Add(SetEnabled("enable", enabled: true));
        return command;
    }

    private static Argument<string> IdArgument() => new("authority-id") { Description = "The authority id, e.g. sundsvall-kommun (lower-case letters, digits and '-')." };

    private static Command Add()
    {
        var id = new Argument<string>("authority-id") { Description = "The new authority's id, which becomes its OAuth client_id, e.g. sundsvall-kommun." };
        var name = new Option<string>("--name") { Description = "Display name, e.g. \"Sundsvalls kommun\".", Required = true };
        var kind = new Option<string>("--kind") { Description = "police, region, municipality, county, shelter or operator.", Required = true };
        kind.AcceptOnlyFromAmong(Kinds.AuthorityKindNames);
        var organisationNumber = new Option<string>("--org-number") { Description = "Organisation number, NNNNNN-NNNN (a shelter's starts with 8).", Required = true };
        var areas = new Option<string[]>("--area") { Description = "A kommunkod the authority speaks for (repeat for several); a municipality needs at least one.", AllowMultipleArgumentsPerToken = true };
        var shared = SharedOrganisationNumber();
        var accepts = AcceptsReferralsFrom();
        var command = new Command("add", "Register an authority. It can do nothing until it has a credential and grants.") { id, name, kind, organisationNumber, areas, shared, accepts };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var response = await client.Admin.CreateAuthorityAsync(new CreateAuthorityRequest
            {
                Authority = new Authority
                {
                    Id = parse.GetValue(id)!,
                    Name = parse.GetValue(name)!,
                    Kind = Kinds.Parse(parse.GetValue(kind)!),
                    OrganisationNumber = parse.GetValue(organisationNumber)!,
                    AreaCodes = { parse.GetValue(areas) ?? [] },
                    AcceptsReferralsFrom = { (parse.GetValue(accepts) ?? []).Select(Kinds.Parse) },
                },
                AllowSharedOrganisationNumber = parse.GetValue(shared),
            }, cancellationToken: ct);
            output.Write(response, w => { w.WriteLine($"Registered {response.Authority.Id}."); Describe(w, response.Authority); });
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List all authorities.");
        command.SetCall(async (parse, client, output, ct) =>
        {
            var all = new ListAuthoritiesResponse
            {
                Authorities =
                {
                    await Pages.AllAsync(async token =>
                    {
                        var page = await client.Admin.ListAuthoritiesAsync(new ListAuthoritiesRequest { PageSize = 1000, PageToken = token }, cancellationToken: ct);
                        return ((IEnumerable<Authority>)page.Authorities, page.NextPageToken);
                    }),
                },
            };
            output.Write(all, _ => output.Table(["ID", "KIND", "NAME", "ORG NUMBER", "AREAS", "ENABLED"],
                all.Authorities.Select(a => (IReadOnlyList<string>)[a.Id, Kinds.Name(a.Kind), a.Name, a.OrganisationNumber, string.Join(",", a.AreaCodes), a.Enabled ? "yes" : "NO"])));
        });
        return command;
    }

    private static Command Show()
    {
        var idArgument = IdArgument();
        var command = new Command("show", "Show an authority with its credentials and grants.") { idArgument };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var id = parse.GetValue(idArgument)!;
            var authority = await client.Admin.GetAuthorityAsync(new GetAuthorityRequest { AuthorityId = id }, cancellationToken: ct);
            var credentials = await client.Admin.ListCredentialsAsync(new ListCredentialsRequest { AuthorityId = id }, cancellationToken: ct);
            var grants = new ListGrantsResponse { Grants = { await GrantCommands.AllAsync(client, id, includeInactive: true, ct) } };
            if (output.Json)
            {
                output.Write(authority, _ => { });
                output.Write(credentials, _ => { });
                output.Write(grants, _ => { });
                return;
            }
            output.Write(authority, w =>
            {
                Describe(w, authority.Authority);
                w.WriteLine();
                w.WriteLine("Credentials:");
                CredentialCommands.Table(output, credentials.Credentials);
                w.WriteLine();
                w.WriteLine("Grants:");
                GrantCommands.Table(output, grants.Grants);
            });
        });
        return command;
    }

    private static Option<bool> SharedOrganisationNumber() => new("--allow-shared-org-number")
    {
        Description = "Allow an organisation number another authority already has: only for two units of one organisation.",
    };

    private static Command Update()
    {
        var idArgument = IdArgument();
        var name = new Option<string?>("--name") { Description = "New display name." };
        var organisationNumber = new Option<string?>("--org-number") { Description = "New organisation number, NNNNNN-NNNN." };
        var areas = new Option<string[]>("--area") { Description = "The kommunkoder it speaks for, replacing the current ones (repeat for several).", AllowMultipleArgumentsPerToken = true };
        var shared = SharedOrganisationNumber();
        var accepts = AcceptsReferralsFrom();
        var acceptNone = new Option<bool>("--accept-no-referrals") { Description = "Take referrals from no kind of authority any more." };
        var command = new Command("update", "Change an authority's name, organisation number, kommunkoder or the kinds it takes referrals from; what is not given stays. Its id and kind never change.") { idArgument, name, organisationNumber, areas, shared, accepts, acceptNone };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var current = (await client.Admin.GetAuthorityAsync(new GetAuthorityRequest { AuthorityId = parse.GetValue(idArgument)! }, cancellationToken: ct)).Authority;
            var changed = current.Clone();
            changed.Name = parse.GetValue(name) ?? current.Name;
            changed.OrganisationNumber = parse.GetValue(organisationNumber) ?? current.OrganisationNumber;
            if (parse.GetValue(areas) is { Length: > 0 } newAreas)
            {
                changed.AreaCodes.Clear();
                changed.AreaCodes.Add(newAreas);
            }
            if (parse.GetValue(accepts) is { Length: > 0 } kinds)
            {
                changed.AcceptsReferralsFrom.Clear();
                changed.AcceptsReferralsFrom.Add(kinds.Select(Kinds.Parse));
            }
            else if (parse.GetValue(acceptNone))
            {
                changed.AcceptsReferralsFrom.Clear();
            }
            var response = await client.Admin.UpdateAuthorityAsync(new UpdateAuthorityRequest { Authority = changed, AllowSharedOrganisationNumber = parse.GetValue(shared) }, cancellationToken: ct);
            output.Write(response, w => { w.WriteLine($"Updated {response.Authority.Id}."); Describe(w, response.Authority); });
        });
        return command;
    }

    private static Command SetEnabled(string name, bool enabled)
    {
        var idArgument = IdArgument();
        var reason = new Option<string>("--reason") { Description = "Why, for the audit log (no personal data).", Required = true };
        var command = new Command(name, enabled
            ? "Enable a disabled authority again."
            : "Disable an authority: its next call is refused, even with a token it already holds.") { idArgument, reason };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var id = parse.GetValue(idArgument)!;
            var authority = enabled
                ? (await client.Admin.EnableAuthorityAsync(new EnableAuthorityRequest { AuthorityId = id, Reason = parse.GetValue(reason)! }, cancellationToken: ct)).Authority
                : (await client.Admin.DisableAuthorityAsync(new DisableAuthorityRequest { AuthorityId = id, Reason = parse.GetValue(reason)! }, cancellationToken: ct)).Authority;
            output.Write(authority, w => w.WriteLine($"{authority.Id} is now {(authority.Enabled ? "enabled" : "disabled")}."));
        });
        return command;
    }

    private static Option<string[]> AcceptsReferralsFrom()
    {
        var option = new Option<string[]>("--accept-referrals-from")
        {
            Description = "A kind of authority it takes referrals from (police, region, municipality, shelter; repeat for several), replacing the current ones. It also needs a referrals.receive grant.",
            AllowMultipleArgumentsPerToken = true,
        };
        option.AcceptOnlyFromAmong(Kinds.AuthorityKindNames);
        return option;
    }

    private static void Describe(TextWriter w, Authority a) => Tables.Fields(w,
        ("ID", a.Id), ("Name", a.Name), ("Kind", Kinds.Name(a.Kind)), ("Organisation number", a.OrganisationNumber),
        ("Areas", string.Join(", ", a.AreaCodes)), ("Takes referrals from", a.AcceptsReferralsFrom.Count == 0 ? "no one" : string.Join(", ", a.AcceptsReferralsFrom.Select(Kinds.Name))), ("Enabled", a.Enabled ? "yes" : "no"), ("Created", Tables.Time(a.CreateTime)), ("Updated", Tables.Time(a.UpdateTime)));
}
