using System.Buffers.Binary;
using Exchange.Server.Validation;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;

namespace Exchange.Server.Hosting;

/// <summary>
/// Health checks are open to anyone, so their one small message is read and checked here before gRPC
/// parses it: a malformed or oversized one is refused with a gRPC status and the short, rate-limited
/// log line, rather than grpc-dotnet's error log with a stack trace per request.
/// </summary>
internal sealed class OpenServiceGuard(RequestDelegate next, MalformedMessageLog malformed)
{
    private const int MaxMessage = 1024;
    private static readonly PathString Health = "/grpc.health.v1.Health";

    public async Task InvokeAsync(HttpContext context)
    {
        // Routing ignores case, so this must too.
        if (!context.Request.Path.StartsWithSegments(Health, StringComparison.OrdinalIgnoreCase) || !GrpcRefusal.IsGrpc(context))
        {
            await next(context);
            return;
        }
        var buffer = new MemoryStream();
        var body = context.Request.Body;
        var chunk = new byte[MaxMessage + 5 + 1];
        int read;
        while ((read = await body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxMessage + 5)
            {
                await GrpcRefusal.WriteAsync(context, StatusCode.ResourceExhausted, $"A health check message is at most {MaxMessage} bytes.");
                return;
            }
        }
        var bytes = buffer.ToArray();
        if (!IsHealthCheckRequest(bytes))
        {
            malformed.Malformed("grpc.health.v1.Health");
            await GrpcRefusal.WriteAsync(context, StatusCode.InvalidArgument, "The HealthCheckRequest message is not valid protobuf.");
            return;
        }
        context.Request.Body = new MemoryStream(bytes);
        await next(context);
    }

    /// <summary>One uncompressed, length-prefixed HealthCheckRequest (a health check has nothing worth compressing).</summary>
    private static bool IsHealthCheckRequest(byte[] frame)
    {
        if (frame.Length < 5 || frame[0] != 0 || BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(1)) != frame.Length - 5)
        {
            return false;
        }
        try
        {
            HealthCheckRequest.Parser.ParseFrom(frame.AsSpan(5));
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
    }
}
