using System.CommandLine;
using Exchange.Client;
using Google.Protobuf;
using Grpc.Core;

namespace Exchange.Admin.Commands;

/// <summary>Runs a command's call and turns every failure into a clear message and an exit code.</summary>
internal static class CommandRunner
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithIndentation());

    public static void SetCall(this Command command, Func<ParseResult, ExchangeClient, Output, CancellationToken, Task> call) =>
        command.SetCall(null, call);

    /// <summary>
    /// As <see cref="SetCall(Command, Func{ParseResult, ExchangeClient, Output, CancellationToken, Task})"/>, with
    /// <paramref name="prepare"/> run before connecting: local input (a file) is checked, and refused with
    /// <see cref="AdminUsageException"/>, before a credential or a server is needed.
    /// </summary>
    public static void SetCall(this Command command, Action<ParseResult, TextWriter>? prepare, Func<ParseResult, ExchangeClient, Output, CancellationToken, Task> call) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = new Output(parse.InvocationConfiguration.Output, parse.GetValue(GlobalOptions.Json));
            var error = parse.InvocationConfiguration.Error;
            try
            {
                prepare?.Invoke(parse, error);
                using var client = GlobalOptions.Connect(parse);
                await call(parse, client, output, cancellationToken);
                return ExitCodes.Success;
            }
            catch (AdminUsageException e)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.Usage;
            }
            catch (AuditBrokenException)
            {
                return ExitCodes.AuditBroken;
            }
            catch (AdminLocalException e)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.LocalFailure;
            }
            catch (AdminConnectionException e)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.NotConnected;
            }
            catch (ExchangeAuthenticationException e)
            {
                await error.WriteLineAsync($"error: the server refused the credential in {GlobalOptions.CredentialPath(parse)}: {e.Error}{(e.Description is null ? "" : $" — {e.Description}")}");
                return ExitCodes.NotConnected;
            }
            catch (RpcException e) when (e.Status.DebugException is ExchangeAuthenticationException auth)
            {
                await error.WriteLineAsync($"error: the server refused the credential in {GlobalOptions.CredentialPath(parse)}: {auth.Error}{(auth.Description is null ? "" : $" — {auth.Description}")}");
                return ExitCodes.NotConnected;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.Unauthenticated or StatusCode.DeadlineExceeded || e.Status.DebugException is HttpRequestException)
            {
                await error.WriteLineAsync($"error: cannot use the server ({e.StatusCode}): {(e.Status.DebugException is { } cause ? Causes(cause) : e.Status.Detail)}");
                return ExitCodes.NotConnected;
            }
            catch (RpcException e)
            {
                await error.WriteLineAsync($"error: {StatusName(e.StatusCode)}: {e.Status.Detail}");
                var badRequest = e.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>();
                foreach (var violation in badRequest?.FieldViolations ?? [])
                {
                    await error.WriteLineAsync($"  {violation.Field}: {violation.Description}");
                }
                var precondition = e.GetRpcStatus()?.GetDetail<Google.Rpc.PreconditionFailure>();
                foreach (var violation in precondition?.Violations ?? [])
                {
                    if (Hints.TryGetValue(violation.Type, out var hint))
                    {
                        await error.WriteLineAsync($"  hint: {hint}");
                    }
                }
                return ExitCodes.RequestFailed;
            }
            catch (HttpRequestException e)
            {
                await error.WriteLineAsync($"error: cannot reach the server: {Causes(e)}");
                return ExitCodes.NotConnected;
            }
        });

    /// <summary>
    /// An exception's message and those of its causes: a TLS failure says why only in an inner one (an
    /// untrusted certificate, a wrong name). A cause an outer message already quotes is not repeated.
    /// </summary>
    internal static string Causes(Exception e)
    {
        var messages = new List<string>();
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (!messages.Any(m => m.Contains(current.Message, StringComparison.Ordinal)))
            {
                messages.Add(current.Message);
            }
        }
        return string.Join(" — ", messages);
    }

    /// <summary>What to do instead, for the refusals an operator meets in daily work.</summary>
    private static readonly Dictionary<string, string> Hints = new(StringComparer.Ordinal)
    {
        ["CREDENTIAL_EXISTS"] = "the authority adds its own credentials with its current one ('exchange-admin --credential <its file> account …', " +
            "or AccountService); if it has lost them, it hands over a new public key, one operator runs 'exchange-admin credential propose <authority-id> …' " +
            "and a second operator approves it.",
        ["SECOND_OPERATOR"] = "another operator, with their own credential, approves it: 'exchange-admin credential approve <change-id> --reason …'.",
        ["LAST_OPERATOR"] = "configure another operator on the server first (Exchange:Operators in its configuration).",
        ["OPERATORS_FROM_CONFIGURATION"] = "operators are configured on the server (Exchange:Operators, with the person's public key); see README.md.",
        ["KIND_POLICY"] = "see the table of which kinds may hold which scopes in README.md.",
    };

    private static string StatusName(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument => "INVALID_ARGUMENT",
        StatusCode.NotFound => "NOT_FOUND",
        StatusCode.AlreadyExists => "ALREADY_EXISTS",
        StatusCode.PermissionDenied => "PERMISSION_DENIED",
        StatusCode.FailedPrecondition => "FAILED_PRECONDITION",
        _ => code.ToString().ToUpperInvariant(),
    };

    /// <summary>Writes either a table for people or JSON for scripts.</summary>
    internal sealed class Output(TextWriter writer, bool json)
    {
        public bool Json => json;

        /// <summary>Standard output, for what is written as it comes (an export).</summary>
        public TextWriter Writer => writer;

        public void Write(IMessage message, Action<TextWriter> human)
        {
            if (json)
            {
                writer.WriteLine(Formatter.Format(message));
            }
            else
            {
                human(writer);
            }
        }

        public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows) => Tables.Write(writer, headers, rows);

        public void Line(string text) => writer.WriteLine(text);
    }
}

internal static class Tables
{
    public static void Write(TextWriter writer, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        writer.WriteLine(string.Join("  ", headers.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var row in all)
        {
            writer.WriteLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        }
        if (all.Count == 0)
        {
            writer.WriteLine("(none)");
        }
    }

    public static void Fields(TextWriter writer, params (string Name, string Value)[] fields)
    {
        var width = fields.Max(f => f.Name.Length);
        foreach (var (name, value) in fields)
        {
            writer.WriteLine($"{(name + ":").PadRight(width + 1)} {value}");
        }
    }

    public static string Time(Google.Protobuf.WellKnownTypes.Timestamp? time) =>
        time is null ? "" : time.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
