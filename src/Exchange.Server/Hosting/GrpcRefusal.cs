using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Exchange.Server.Hosting;

/// <summary>
/// Refuses a gRPC call before the gRPC handler runs — so before its message is read — with a proper
/// gRPC status (a trailers-only response), which every gRPC client reads as that status.
/// </summary>
internal static class GrpcRefusal
{
    public static bool IsGrpc(HttpContext context) =>
        context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    public static Task WriteAsync(HttpContext context, StatusCode status, string message)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = PercentEncode(message);
        return response.CompleteAsync();
    }

    /// <summary>The gRPC spec's encoding of grpc-message: printable ASCII as is, every other UTF-8 byte (and '%') as %XX.</summary>
    internal static string PercentEncode(string message)
    {
        var encoded = new System.Text.StringBuilder();
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%')
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return encoded.ToString();
    }
}

/// <summary>Answers a gRPC call that the endpoint's authorisation refused with UNAUTHENTICATED or PERMISSION_DENIED instead of HTTP 401/403.</summary>
internal sealed class GrpcAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!IsRefusedGrpcCall(context, authorizeResult))
        {
            return fallback.HandleAsync(next, context, policy, authorizeResult);
        }
        return authorizeResult.Challenged
            ? GrpcRefusal.WriteAsync(context, StatusCode.Unauthenticated, Authorization.AccessInterceptor.TokenRequired)
            : GrpcRefusal.WriteAsync(context, StatusCode.PermissionDenied, "The call is not allowed.");
    }

    private static bool IsRefusedGrpcCall(HttpContext context, PolicyAuthorizationResult result) =>
        (result.Challenged || result.Forbidden) && GrpcRefusal.IsGrpc(context);
}
