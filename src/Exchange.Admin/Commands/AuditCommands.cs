using System.CommandLine;
using Exchange.V1;

namespace Exchange.Admin.Commands;

internal static class AuditCommands
{
    public static Command Build()
    {
        var command = new Command("audit", "Read the audit log.");
        var actor = new Option<string?>("--actor") { Description = "Only events of this authority." };
        var limit = new Option<int>("--limit") { Description = "At most this many events (default 100).", DefaultValueFactory = _ => 100 };
        var list = new Command("list", "List audit events, oldest first. Events hold ids and hashes, never personal data.") { actor, limit };
        list.SetCall(async (parse, client, output, ct) =>
        {
            var response = await client.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { ActorAuthorityId = parse.GetValue(actor) ?? "", PageSize = Math.Clamp(parse.GetValue(limit), 1, 1000) }, cancellationToken: ct);
            output.Write(response, _ => output.Table(["SEQ", "TIME", "ACTOR", "ACTION", "TARGET", "OUTCOME"],
                response.Events.Select(e => (IReadOnlyList<string>)[e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), Tables.Time(e.Time), e.ActorAuthorityId, e.Action, $"{e.TargetType}:{e.TargetId}", e.Outcome == AuditOutcome.Succeeded ? "succeeded" : "denied"])));
        });
        command.Subcommands.Add(list);
        return command;
    }
}
