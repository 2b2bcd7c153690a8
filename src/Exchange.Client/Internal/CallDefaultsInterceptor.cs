using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Exchange.Client.Internal;

/// <summary>
/// Gives unary calls a default deadline and fills an empty <c>request_id</c> before the first attempt,
/// so that every retry of the call carries the same id and the server stores the write once.
/// </summary>
internal sealed class CallDefaultsInterceptor(TimeSpan defaultDeadline, TimeProvider time) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        EnsureRequestId(request);
        if (context.Options.Deadline is null)
        {
            context = new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithDeadline(time.GetUtcNow().UtcDateTime + defaultDeadline));
        }
        return continuation(request, context);
    }

    internal static void EnsureRequestId(object request)
    {
        if (request is IMessage message && message.Descriptor.FindFieldByName("request_id") is { FieldType: FieldType.String } field
            && string.IsNullOrEmpty((string)field.Accessor.GetValue(message)))
        {
            field.Accessor.SetValue(message, Guid.NewGuid().ToString());
        }
    }
}
