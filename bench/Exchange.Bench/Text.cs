using System.Globalization;
using Grpc.Core;

namespace Exchange.Bench;

/// <summary>Formatting that reads the same on every machine.</summary>
internal static class Text
{
    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public static string Describe(Exception e) => e switch
    {
        RpcException rpc => $"{rpc.StatusCode}: {rpc.Status.Detail}",
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    public static string Number(double? value, string format = "N0") => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
