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
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = new Output(parse.InvocationConfiguration.Output, parse.GetValue(GlobalOptions.Json));
            var error = parse.InvocationConfiguration.Error;
            try
            {
                using var client = GlobalOptions.Connect(parse);
                await call(parse, client, output, cancellationToken);
                return ExitCodes.Success;
            }
            catch (AdminUsageException e)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.Usage;
            }
            catch (AdminConnectionException e)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.NotConnected;
            }
            catch (ExchangeAuthenticationException e)
            {
                await error.WriteLineAsync($"error: the server refused the operator credential: {e.Error}{(e.Description is null ? "" : $" — {e.Description}")}");
                return ExitCodes.NotConnected;
            }
            catch (RpcException e) when (e.Status.DebugException is ExchangeAuthenticationException auth)
            {
                await error.WriteLineAsync($"error: the server refused the operator credential: {auth.Error}{(auth.Description is null ? "" : $" — {auth.Description}")}");
                return ExitCodes.NotConnected;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.Unauthenticated or StatusCode.DeadlineExceeded || e.Status.DebugException is HttpRequestException)
            {
                await error.WriteLineAsync($"error: cannot use the server ({e.StatusCode}): {e.Status.DebugException?.Message ?? e.Status.Detail}");
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
                return ExitCodes.RequestFailed;
            }
            catch (HttpRequestException e)
            {
                await error.WriteLineAsync($"error: cannot reach the server: {e.Message}");
                return ExitCodes.NotConnected;
            }
        });

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
