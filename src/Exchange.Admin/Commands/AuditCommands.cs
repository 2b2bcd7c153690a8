using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Exchange.V1;

namespace Exchange.Admin.Commands;

internal static class AuditCommands
{
    public static Command Build()
    {
        var command = new Command("audit", "Read, verify and export the audit log.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Verify());
        command.Subcommands.Add(Export());
        command.Subcommands.Add(VerifyExport());
        return command;
    }

    /// <summary>The filters that listing and export share, each command with options of its own.</summary>
    private sealed class Filters
    {
        private readonly Option<string?> actor = new("--actor") { Description = "Only events of this authority." };
        private readonly Option<string?> member = new("--member") { Description = "Only events of this member (a person acting through the web app), e.g. m-7k2q9x4d1fzb3c8a." };
        private readonly Option<string?> subject = new("--subject") { Description = "Only events about this authority (whose data or access they concern)." };
        private readonly Option<string?> action = new("--action") { Description = "Only events with this action, e.g. referral.read or grant.revoked." };
        private readonly Option<string?> referral = new("--referral") { Description = "Only events on this referral (its id)." };
        private readonly Option<string?> since = new("--since") { Description = "Only events from the start of that day, or that time. " + Inputs.DateHelp };
        private readonly Option<string?> until = new("--until") { Description = "Only events to the end of that day (inclusive), or up to that time. " + Inputs.DateHelp };

        /// <summary>Adds the filter options to <paramref name="command"/>, ahead of its own.</summary>
        public void AddTo(Command command)
        {
            Option[] options = [actor, member, subject, action, referral, since, until];
            for (var i = 0; i < options.Length; i++)
            {
                command.Options.Insert(i, options[i]);
            }
        }

        /// <summary>From the command line into the request.</summary>
        public void Apply(ParseResult parse, ListAuditEventsRequest request)
        {
            request.ActorAuthorityId = parse.GetValue(actor) ?? "";
            request.ActorMemberId = parse.GetValue(member) ?? "";
            request.SubjectAuthorityId = parse.GetValue(subject) ?? "";
            request.Action = parse.GetValue(action) ?? "";
            if (parse.GetValue(referral) is { } referralId)
            {
                request.TargetType = "referral";
                request.TargetId = referralId;
            }
            if (parse.GetValue(since) is { } from)
            {
                request.StartTime = Inputs.Start(from, "--since");
            }
            if (parse.GetValue(until) is { } to)
            {
                request.EndTime = Inputs.End(to, "--until");
            }
        }
    }

    private static Command Verify()
    {
        var verify = new Command("verify",
            "Check the whole audit chain and every signed checkpoint against it. Exit code 5, naming the first broken link or the first checkpoint that no longer matches, when the log was tampered with.");
        verify.SetCall(async (parse, client, output, ct) =>
        {
            var result = await client.Admin.VerifyAuditLogAsync(new VerifyAuditLogRequest(), cancellationToken: ct);
            output.Write(result, w =>
            {
                w.WriteLine(result.Intact ? "intact" : "NOT INTACT");
                w.WriteLine($"events checked:      {result.EventsChecked}");
                w.WriteLine($"checkpoints checked: {result.CheckpointsChecked}");
                if (result.FirstBrokenSequence > 0)
                {
                    w.WriteLine($"first broken link:   event {result.FirstBrokenSequence}: {result.ChainProblem}");
                }
                if (result.CheckpointProblem.Length > 0)
                {
                    w.WriteLine($"checkpoint:          {result.CheckpointProblem}");
                }
                w.WriteLine(result.LastCheckpoint is { } last
                    ? $"last checkpoint:     event {last.Sequence}, signed {Tables.Time(last.SignTime)} by key {last.KeyId}"
                    : "last checkpoint:     none yet (the chain alone protects the events so far)");
            });
            if (!result.Intact)
            {
                throw new AuditBrokenException();
            }
        });
        return verify;
    }

    private static Command VerifyExport()
    {
        var events = new Option<string>("--events") { Description = "An export from 'audit export' (JSON Lines, whole, from event 1).", Required = true };
        var checkpoints = new Option<string?>("--checkpoints") { Description = "A copy of the server's checkpoint file (audit-checkpoints.jsonl)." };
        var publicKey = new Option<string?>("--public-key") { Description = "The checkpoint key's public half (PEM), as 'audit verify --json' shows it." };
        var command = new Command("verify-export",
            "Check an exported archive, and a copy of the checkpoint file, without the server. Exit code 5 when the chain is broken or a checkpoint does not match.")
            { events, checkpoints, publicKey };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var checkpointLines = parse.GetValue(checkpoints) is { } file ? (await File.ReadAllLinesAsync(file, cancellationToken)).Where(l => l.Length > 0).ToList() : [];
                var pem = parse.GetValue(publicKey) is { } keyFile ? await File.ReadAllTextAsync(keyFile, cancellationToken) : null;
                var result = AuditArchive.Verify(File.ReadLines(parse.GetValue(events)!), checkpointLines, pem);
                await output.WriteLineAsync(result.Intact ? "intact" : "NOT INTACT");
                await output.WriteLineAsync($"events checked:      {result.Events}");
                await output.WriteLineAsync($"checkpoints checked: {result.Checkpoints}");
                if (result.FirstBroken is { } first)
                {
                    await output.WriteLineAsync($"first broken link:   event {first}: {result.ChainProblem}");
                }
                if (result.CheckpointProblem is { } problem)
                {
                    await output.WriteLineAsync($"checkpoint:          {problem}");
                }
                return result.Intact ? ExitCodes.Success : ExitCodes.AuditBroken;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or AdminUsageException or ArgumentException or CryptographicException)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.Usage;
            }
        });
        return command;
    }

    private static Command Export()
    {
        var filters = new Filters();
        var file = new Option<string?>("--output", "-o") { Description = "Write to this file (created, never overwritten) instead of standard output." };
        var export = new Command("export",
            "Every matching event in chain order as JSON Lines (one event per line, with its hashes), for the county's archive. Ids and hashes only, never personal data.")
            { file };
        filters.AddTo(export);
        export.SetCall(async (parse, client, output, ct) =>
        {
            var request = new ListAuditEventsRequest { PageSize = 1000 };
            filters.Apply(parse, request);
            var path = parse.GetValue(file);
            TextWriter writer;
            try
            {
                writer = path is null ? output.Writer : new StreamWriter(new FileStream(path, FileMode.CreateNew, FileAccess.Write));
            }
            catch (IOException e)
            {
                throw new AdminUsageException($"cannot create {path}: {e.Message}");
            }
            var formatter = new Google.Protobuf.JsonFormatter(Google.Protobuf.JsonFormatter.Settings.Default.WithFormatDefaultValues(true));
            var count = 0;
            var complete = false;
            try
            {
                do
                {
                    var page = await client.Admin.ListAuditEventsAsync(request, cancellationToken: ct);
                    foreach (var e in page.Events)
                    {
                        await writer.WriteLineAsync(formatter.Format(e));
                        count++;
                    }
                    request.PageToken = page.NextPageToken;
                }
                while (request.PageToken.Length > 0);
                complete = true;
            }
            finally
            {
                if (path is not null)
                {
                    await writer.DisposeAsync();
                    if (!complete)
                    {
                        // A half-written archive must not pass for a whole one.
                        File.Delete(path);
                    }
                }
            }
            if (path is not null)
            {
                output.Writer.WriteLine($"{count} events written to {path}.");
            }
        });
        return export;
    }

    private static Command List()
    {
        var filters = new Filters();
        var limit = Inputs.WholeNumber("--limit", "At most this many events, 1–1000 (default 100). With more, the table ends with how to see the next page.", 1, 1000, defaultValue: 100);
        var pageToken = new Option<string?>("--page-token") { Description = "Continue where an earlier listing with the same options stopped." };
        var all = new Option<bool>("--all") { Description = "Every matching event, page after page." };
        var reverse = new Option<bool>("--reverse") { Description = "Oldest first (chain order) instead of newest first." };
        var list = new Command("list", "List audit events, newest first. Events hold ids, hashes and reasons, never personal data.") { limit, pageToken, all, reverse };
        filters.AddTo(list);
        list.SetCall(async (parse, client, output, ct) =>
        {
            var request = new ListAuditEventsRequest
            {
                PageSize = parse.GetValue(all) ? 1000 : parse.GetValue(limit),
                PageToken = parse.GetValue(pageToken) ?? "",
                NewestFirst = !parse.GetValue(reverse),
            };
            filters.Apply(parse, request);
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
