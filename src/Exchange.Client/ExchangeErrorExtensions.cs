using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.Client;

/// <summary>
/// Reads what the server says about a refusal beyond its status code: the <c>google.rpc.Status</c> details
/// it sends in the <c>grpc-status-details-bin</c> trailer. The whole status is
/// <c>exception.GetRpcStatus()</c> (Grpc.StatusProto, namespace <c>Grpc.Core</c>); these helpers read the
/// details Exchange uses.
/// </summary>
/// <example>
/// <code>
/// catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
/// {
///     foreach (var (field, description) in e.GetFieldViolations())
///     {
///         logger.LogWarning("Exchange refused {Field}: {Description}", field, description);
///     }
/// }
/// </code>
/// </example>
public static class ExchangeErrorExtensions
{
    /// <summary>
    /// The request fields the server refused and why (<c>google.rpc.BadRequest</c>), e.g.
    /// <c>("cells[3].count", "must be 0 or more")</c>; empty when the refusal names no field.
    /// </summary>
    public static IReadOnlyList<(string Field, string Description)> GetFieldViolations(this RpcException exception) =>
        exception.GetErrorDetail<BadRequest>() is { } badRequest
            ? [.. badRequest.FieldViolations.Select(v => (v.Field, v.Description))]
            : [];

    /// <summary>
    /// The preconditions that failed (<c>google.rpc.PreconditionFailure</c>), with FAILED_PRECONDITION or
    /// PERMISSION_DENIED: a type naming the rule (e.g. <c>LAST_OWN_CREDENTIAL</c>), its subject and a description.
    /// Empty when there are none.
    /// </summary>
    public static IReadOnlyList<(string Type, string Subject, string Description)> GetPreconditionFailures(this RpcException exception) =>
        exception.GetErrorDetail<PreconditionFailure>() is { } failure
            ? [.. failure.Violations.Select(v => (v.Type, v.Subject, v.Description))]
            : [];

    /// <summary>
    /// The first detail of type <typeparamref name="T"/> (e.g. <see cref="ErrorInfo"/>, <see cref="RetryInfo"/>,
    /// <see cref="BadRequest"/>) in the error's <c>google.rpc.Status</c>, or null.
    /// </summary>
    public static T? GetErrorDetail<T>(this RpcException exception)
        where T : class, IMessage<T>, new()
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.GetRpcStatus()?.GetDetail<T>();
    }

    /// <summary>
    /// The token endpoint's refusal behind an UNAUTHENTICATED or PERMISSION_DENIED call that never reached
    /// the server (its OAuth error and description), or null when the server itself refused the call.
    /// </summary>
    public static ExchangeAuthenticationException? GetTokenRefusal(this RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Status.DebugException as ExchangeAuthenticationException;
    }
}
