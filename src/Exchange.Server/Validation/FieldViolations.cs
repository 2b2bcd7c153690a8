using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.Server.Validation;

/// <summary>
/// Collects what is wrong with a request, field by field, and turns it into INVALID_ARGUMENT with a
/// google.rpc.BadRequest. Descriptions say what is expected, never echo the value (it may be personal data).
/// </summary>
public sealed class FieldViolations
{
    private readonly List<BadRequest.Types.FieldViolation> violations = [];

    public bool IsEmpty => violations.Count == 0;

    public IReadOnlyList<BadRequest.Types.FieldViolation> Items => violations;

    public FieldViolations Add(string field, string description)
    {
        violations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });
        return this;
    }

    /// <summary>Adds a violation unless <paramref name="ok"/>.</summary>
    public FieldViolations Require(bool ok, string field, string description) => ok ? this : Add(field, description);

    public FieldViolations Length(string? value, string field, int min, int max) =>
        Require((value?.Length ?? 0) >= min && (value?.Length ?? 0) <= max, field,
            min > 0 ? $"Required, {min}–{max} characters." : $"At most {max} characters.");

    public void ThrowIfAny()
    {
        if (!IsEmpty)
        {
            throw ToRpcException();
        }
    }

    public RpcException ToRpcException()
    {
        var status = new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = $"Invalid request: {string.Join(", ", violations.Select(v => v.Field).Distinct())} (details in google.rpc.BadRequest).",
            Details = { Any.Pack(new BadRequest { FieldViolations = { violations } }) },
        };
        return status.ToRpcException();
    }
}
