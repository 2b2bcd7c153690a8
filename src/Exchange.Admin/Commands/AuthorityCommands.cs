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
        var command = new Command("add", "Register an authority. It can do nothing until it has a credential and grants.") { id, name, kind, organisationNumber, areas };
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
                },
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
            var all = new ListAuthoritiesResponse();
            var request = new ListAuthoritiesRequest { PageSize = 1000 };
            do
            {
                var page = await client.Admin.ListAuthoritiesAsync(request, cancellationToken: ct);
                all.Authorities.AddRange(page.Authorities);
                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0);
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
            var grants = await client.Admin.ListGrantsAsync(new ListGrantsRequest { AuthorityId = id, IncludeInactive = true, PageSize = 1000 }, cancellationToken: ct);
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

    private static void Describe(TextWriter w, Authority a) => Tables.Fields(w,
        ("ID", a.Id), ("Name", a.Name), ("Kind", Kinds.Name(a.Kind)), ("Organisation number", a.OrganisationNumber),
        ("Areas", string.Join(", ", a.AreaCodes)), ("Enabled", a.Enabled ? "yes" : "no"), ("Created", Tables.Time(a.CreateTime)), ("Updated", Tables.Time(a.UpdateTime)));
}
