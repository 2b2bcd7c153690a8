using System.CommandLine;
using Exchange.Contracts;
using Exchange.V1;

namespace Exchange.Admin.Commands;

internal static class GrantCommands
{
    public static Command Build()
    {
        var command = new Command("grant", "Grant and revoke scopes; grants carry a period and a reason.");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(Revoke());
        command.Subcommands.Add(List());
        return command;
    }

    private static Command Add()
    {
        var id = new Argument<string>("authority-id") { Description = "The authority." };
        var scope = new Option<string>("--scope") { Description = string.Join(", ", Scopes.Grantable) + ".", Required = true };
        scope.AcceptOnlyFromAmong([.. Scopes.Grantable]);
        var from = new Option<string?>("--from") { Description = "Start of validity: from the start of that day, or that time. Default: now. " + Inputs.DateHelp };
        var to = new Option<string?>("--to") { Description = "End of validity, inclusive: to the end of that day (e.g. --to 2026-12-31 is valid all of 31 December), or up to that time. Default: open-ended. " + Inputs.DateHelp };
        var reason = new Option<string>("--reason") { Description = "Why (e.g. the agreement's reference); no personal data.", Required = true };
        var command = new Command("add", "Grant a scope to an authority. Refused when its kind may never hold the scope, when the period has already ended, or when an active grant already covers it.") { id, scope, from, to, reason };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var request = new CreateGrantRequest { AuthorityId = parse.GetValue(id)!, Scope = parse.GetValue(scope)!, Reason = parse.GetValue(reason)! };
            if (parse.GetValue(from) is { } f)
            {
                request.ValidFrom = Inputs.Start(f, "--from");
            }
            if (parse.GetValue(to) is { } t)
            {
                request.ValidTo = Inputs.End(t, "--to");
            }
            var response = await client.Admin.CreateGrantAsync(request, cancellationToken: ct);
            output.Write(response, w => w.WriteLine($"Granted {response.Grant.Scope} to {response.Grant.AuthorityId} (grant {response.Grant.Id}, {State(response.Grant.State)})."));
        });
        return command;
    }

    private static Command Revoke()
    {
        var id = new Argument<string>("grant-id") { Description = "The grant id (see 'grant list')." };
        var reason = new Option<string>("--reason") { Description = "Why; no personal data.", Required = true };
        var command = new Command("revoke", "Revoke a grant; it takes effect on the authority's next call. The grant stays listed as revoked.") { id, reason };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var response = await client.Admin.RevokeGrantAsync(new RevokeGrantRequest { GrantId = parse.GetValue(id)!, Reason = parse.GetValue(reason)! }, cancellationToken: ct);
            output.Write(response, w => w.WriteLine($"Revoked {response.Grant.Scope} of {response.Grant.AuthorityId} (grant {response.Grant.Id})."));
        });
        return command;
    }

    private static Command List()
    {
        var authority = new Option<string?>("--authority") { Description = "Only this authority's grants." };
        var all = new Option<bool>("--all") { Description = "Include revoked and expired grants." };
        var command = new Command("list", "List grants, newest first.") { authority, all };
        command.SetCall(async (parse, client, output, ct) =>
        {
            var result = new ListGrantsResponse { Grants = { await AllAsync(client, parse.GetValue(authority) ?? "", parse.GetValue(all), ct) } };
            output.Write(result, _ => Table(output, result.Grants));
        });
        return command;
    }

    internal static Task<List<Grant>> AllAsync(Exchange.Client.ExchangeClient client, string authorityId, bool includeInactive, CancellationToken ct) =>
        Pages.AllAsync(async token =>
        {
            var page = await client.Admin.ListGrantsAsync(new ListGrantsRequest { AuthorityId = authorityId, IncludeInactive = includeInactive, PageSize = 1000, PageToken = token }, cancellationToken: ct);
            return ((IEnumerable<Grant>)page.Grants, page.NextPageToken);
        });

    internal static void Table(CommandRunner.Output output, IEnumerable<Grant> grants) =>
        output.Table(["ID", "AUTHORITY", "SCOPE", "STATE", "FROM", "TO", "BY", "REASON"],
            grants.Select(g => (IReadOnlyList<string>)[g.Id, g.AuthorityId, g.Scope, State(g.State), Tables.Time(g.ValidFrom), Tables.Time(g.ValidTo), g.GrantedBy, g.Reason]));

    private static string State(GrantState state) => state switch
    {
        GrantState.Active => "active",
        GrantState.Pending => "pending",
        GrantState.Expired => "expired",
        GrantState.Revoked => "revoked",
        _ => "?",
    };
}
