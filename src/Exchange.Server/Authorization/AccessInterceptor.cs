using Exchange.Server.Audit;
using Exchange.Server.Storage;
using Exchange.Server.Telemetry;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using OpenIddict.Abstractions;

namespace Exchange.Server.Authorization;

/// <summary>
/// Admits every RPC only for an authenticated caller that passes <see cref="CallerAdmission"/> for the
/// scopes <see cref="ScopeRequirements"/> names, except health and reflection, which stay open. It
/// fails closed: a method without a declared scope, or one whose endpoint cannot be identified,
/// admits nobody. The order of all checks is in this folder's README.md.
/// </summary>
public sealed class AccessInterceptor(ScopeRequirements scopes, CallerAdmission admission, AuditLog audit, DeniedCallAudit denials, ExchangeDbContext db, TimeProvider time, ILogger<AccessInterceptor> logger) : Interceptor
{
    /// <summary>What a call without a valid token is told, wherever it is refused.</summary>
    public const string TokenRequired = "A valid access token is required (Authorization: Bearer <token from /connect/token>).";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        using var actor = ActingPerson(await AdmitAsync(context));
        return await continuation(request, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var actor = ActingPerson(await AdmitAsync(context));
        return await continuation(requestStream, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var caller = await AdmitAsync(context);
        using var actor = ActingPerson(caller);
        // A stream outlives the moment it was admitted (an inbox watch runs for hours): each message is
        // sent only if the caller would still be admitted, so a removed person, a revoked grant or an
        // expired token ends the stream at its next message.
        await continuation(request, caller is null ? responseStream : new ReadmittedWriter<TResponse>(responseStream, () => ReadmitAsync(context)), context);
    }

    private async Task ReadmitAsync(ServerCallContext context)
    {
        var httpContext = context.GetHttpContext();
        var method = httpContext.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method;
        var user = httpContext.User;
        if (method is null || user.GetExpirationDate() is not { } expires || expires <= time.GetUtcNow())
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "The access token has expired; call again with a new one."));
        }
        var decision = await admission.AdmitAsync(user, scopes.RequiredScopes(method.FullName), context.CancellationToken);
        if (!decision.Allowed)
        {
            AuthorizationLog.Denied(logger, decision.AuthorityId ?? "", method.FullName, decision.Refusal!);
            throw new RpcException(new Status(decision.TokenRevoked ? StatusCode.Unauthenticated : StatusCode.PermissionDenied, decision.Refusal!));
        }
    }

    private sealed class ReadmittedWriter<T>(IServerStreamWriter<T> inner, Func<Task> readmit) : IServerStreamWriter<T>
    {
        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        public async Task WriteAsync(T message)
        {
            await readmit();
            await inner.WriteAsync(message);
        }

        public async Task WriteAsync(T message, CancellationToken cancellationToken)
        {
            await readmit();
            await inner.WriteAsync(message, cancellationToken);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var actor = ActingPerson(await AdmitAsync(context));
        await continuation(requestStream, responseStream, context);
    }

    /// <summary>Names the person behind the call, if any, in every audit event the call writes.</summary>
    private static IDisposable? ActingPerson(Caller? caller) =>
        caller?.MemberId is { } memberId ? AuditActor.Enter(caller.AuthorityId, memberId) : null;

    private async Task<Caller?> AdmitAsync(ServerCallContext context)
    {
        var httpContext = context.GetHttpContext();
        // The canonical method comes from the endpoint routing matched, not from the request path:
        // routing ignores case, so the path may spell the service differently from its rules.
        var method = httpContext.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method;
        if (method is not null && ScopeRequirements.IsOpen(method.ServiceName))
        {
            return null;
        }
        var methodName = method?.FullName ?? "unknown";
        var user = httpContext.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            AuthorizationLog.Unauthenticated(logger, methodName);
            throw new RpcException(new Status(StatusCode.Unauthenticated, TokenRequired));
        }
        var required = method is null ? [] : scopes.RequiredScopes(method.FullName);
        var decision = required.Count == 0
            ? new Admission(null, null, "This method is not open to any caller.")
            : await admission.AdmitAsync(user, required, context.CancellationToken);
        if (!decision.Allowed)
        {
            AuthorizationLog.Denied(logger, decision.AuthorityId ?? "", methodName, decision.Refusal!);
        }
        if (decision.TokenRevoked)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, decision.Refusal!));
        }
        if (!decision.Allowed)
        {
            var authorityId = decision.AuthorityId ?? "";
            if (denials.OpensWindow(authorityId, methodName))
            {
                // A person's refused call names the person, as their admitted calls do.
                await audit.SaveWithAuditAsync(db, DeniedCallAudit.Denied(authorityId, methodName) with
                {
                    ActorMemberId = user.FindFirst(TokenClaims.Member)?.Value ?? "",
                }, context.CancellationToken);
            }
            ExchangeMetrics.Denials.Add(1, new KeyValuePair<string, object?>(CallTelemetryInterceptor.MethodTag, methodName),
                new KeyValuePair<string, object?>("reason", decision.AuthorityId is null ? "not_admitted" : "not_granted"));
            throw new RpcException(new Status(StatusCode.PermissionDenied, decision.Refusal!));
        }
        context.SetCaller(decision.Caller!);
        return decision.Caller;
    }
}

internal static partial class AuthorizationLog
{
    [LoggerMessage(20, LogLevel.Information, "Unauthenticated call to {Method} refused")]
    public static partial void Unauthenticated(ILogger logger, string method);

    [LoggerMessage(21, LogLevel.Warning, "Call by {AuthorityId} to {Method} denied: {Reason}")]
    public static partial void Denied(ILogger logger, string authorityId, string method, string reason);
}
