using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.Server.Validation;

public enum DomainError
{
    NotFound,
    AlreadyExists,
    FailedPrecondition,
    PermissionDenied,
}

/// <summary>A rule refused an operation. The message is shown to the caller: it must never contain personal data.</summary>
public sealed class DomainException(DomainError error, string message) : Exception(message)
{
    public DomainError Error { get; } = error;

    /// <summary>For a failed precondition: which rule, about what, as a <c>google.rpc.PreconditionFailure</c>.</summary>
    public PreconditionFailure.Types.Violation? Precondition { get; init; }

    /// <summary>A failed precondition naming its rule (<paramref name="type"/>, e.g. <c>KIND_POLICY</c>) and what it is about.</summary>
    public static DomainException FailedPrecondition(string type, string subject, string message) =>
        new(DomainError.FailedPrecondition, message) { Precondition = new() { Type = type, Subject = subject, Description = message } };

    public RpcException ToRpcException()
    {
        var code = Error switch
        {
            DomainError.NotFound => Code.NotFound,
            DomainError.AlreadyExists => Code.AlreadyExists,
            DomainError.FailedPrecondition => Code.FailedPrecondition,
            DomainError.PermissionDenied => Code.PermissionDenied,
            _ => Code.Internal,
        };
        var status = new Google.Rpc.Status { Code = (int)code, Message = Message };
        if (Precondition is not null)
        {
            status.Details.Add(Any.Pack(new PreconditionFailure { Violations = { Precondition } }));
        }
        return status.ToRpcException();
    }
}
