using System.CommandLine;
using System.Globalization;
using Exchange.V1;

namespace Exchange.Admin.Commands;

internal static class AuditCommands
{
    public static Command Build()
    {
        var command = new Command("audit", "Read the audit log.");
        command.Subcommands.Add(List());
        return command;
    }

    private static Command List()
    {
        var actor = new Option<string?>("--actor") { Description = "Only events of this authority." };
        var since = new Option<string?>("--since") { Description = "Only events from the start of that day, or that time. " + Inputs.DateHelp };
        var until = new Option<string?>("--until") { Description = "Only events to the end of that day (inclusive), or up to that time. " + Inputs.DateHelp };
        var limit = Inputs.WholeNumber("--limit", "At most this many events, 1–1000 (default 100). With more, the table ends with how to see the next page.", 1, 1000, defaultValue: 100);
        var pageToken = new Option<string?>("--page-token") { Description = "Continue where an earlier listing with the same options stopped." };
        var all = new Option<bool>("--all") { Description = "Every matching event, page after page." };
        var reverse = new Option<bool>("--reverse") { Description = "Oldest first (chain order) instead of newest first." };
        var list = new Command("list", "List audit events, newest first. Events hold ids, hashes and reasons, never personal data.") { actor, since, until, limit, pageToken, all, reverse };
        list.SetCall(async (parse, client, output, ct) =>
        {
            var request = new ListAuditEventsRequest
            {
                ActorAuthorityId = parse.GetValue(actor) ?? "",
                PageSize = parse.GetValue(all) ? 1000 : parse.GetValue(limit),
                PageToken = parse.GetValue(pageToken) ?? "",
                NewestFirst = !parse.GetValue(reverse),
            };
            if (parse.GetValue(since) is { } from)
            {
                request.StartTime = Inputs.Start(from, "--since");
            }
            if (parse.GetValue(until) is { } to)
            {
                request.EndTime = Inputs.End(to, "--until");
            }
            var response = new ListAuditEventsResponse();
            do
            {
                var page = await client.Admin.ListAuditEventsAsync(request, cancellationToken: ct);
                response.Events.AddRange(page.Events);
                response.NextPageToken = request.PageToken = page.NextPageToken;
            }
            while (parse.GetValue(all) && request.PageToken.Length > 0);
            output.Write(response, w =>
            {
                Table(output, response.Events);
                if (response.NextPageToken.Length > 0)
                {
                    w.WriteLine($"More events: add --page-token {response.NextPageToken} (or use --all).");
                }
            });
        });
        return list;
    }

    internal static void Table(CommandRunner.Output output, IEnumerable<AuditEvent> events) =>
        output.Table(["SEQ", "TIME", "ACTOR", "ACTION", "TARGET", "SUBJECT", "COUNT", "OUTCOME", "REASON"],
            events.Select(e => (IReadOnlyList<string>)[
                e.Sequence.ToString(CultureInfo.InvariantCulture), Tables.Time(e.Time), e.ActorAuthorityId, e.Action, $"{e.TargetType}:{e.TargetId}",
                e.SubjectAuthorityId, e.Count.ToString(CultureInfo.InvariantCulture), e.Outcome == AuditOutcome.Succeeded ? "succeeded" : "denied", e.Reason]));
}
