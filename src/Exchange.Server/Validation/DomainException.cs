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

    public RpcException ToRpcException() => new(new Status(Error switch
    {
        DomainError.NotFound => StatusCode.NotFound,
        DomainError.AlreadyExists => StatusCode.AlreadyExists,
        DomainError.FailedPrecondition => StatusCode.FailedPrecondition,
        DomainError.PermissionDenied => StatusCode.PermissionDenied,
        _ => StatusCode.Internal,
    }, Message));
}
