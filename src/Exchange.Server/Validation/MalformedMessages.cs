using Exchange.Server.Telemetry;
using Google.Protobuf;
using Grpc.Core;

namespace Exchange.Server.Validation;

/// <summary>
/// Binds a generated service with every request deserializer wrapped: a message that is not valid
/// protobuf answers INVALID_ARGUMENT (not UNKNOWN) and is logged in one short, rate-limited line
/// (not a stack trace per request). gRPC reads a message before any interceptor runs, so this is the
/// only place to catch it. Each service class points its <c>[BindServiceMethod]</c> here.
/// </summary>
public sealed class MalformedMessageBinder(ServiceBinderBase inner) : ServiceBinderBase
{
    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(Wrap(method), handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(Wrap(method), handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(Wrap(method), handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(Wrap(method), handler);

    private static Method<TRequest, TResponse> Wrap<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class
        where TResponse : class
    {
        var deserialize = method.RequestMarshaller.ContextualDeserializer;
        var marshaller = Marshallers.Create(method.RequestMarshaller.ContextualSerializer, context =>
        {
            try
            {
                return deserialize(context);
            }
            catch (InvalidProtocolBufferException)
            {
                MalformedMessageLog.ForCurrentRequest(method.FullName);
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"The {typeof(TRequest).Name} message is not valid protobuf."));
            }
        });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, marshaller, method.ResponseMarshaller);
    }
}

/// <summary>
/// One short warning for malformed messages, at most once per 30 seconds with a count of the ones it
/// did not log: a flood of bad requests cannot flood the log.
/// </summary>
public sealed partial class MalformedMessageLog(TimeProvider time, ILogger<MalformedMessageLog> logger)
{
    private static readonly HttpContextAccessor Request = new();
    private readonly LogThrottle throttle = new(time, lines: 1, TimeSpan.FromSeconds(30));

    /// <summary>Logs for the server handling the current request (binding happens once, outside dependency injection).</summary>
    public static void ForCurrentRequest(string method) =>
        Request.HttpContext?.RequestServices.GetService<MalformedMessageLog>()?.Malformed(method);

    public void Malformed(string method)
    {
        if (throttle.ShouldLog(out var heldBack))
        {
            Logged(logger, method, heldBack);
        }
    }

    [LoggerMessage(30, LogLevel.Warning, "Refused a malformed message to {Method} (and {Suppressed} more since the last such line)")]
    private static partial void Logged(ILogger logger, string method, int suppressed);
}
