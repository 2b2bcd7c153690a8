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

    /// <summary>
    /// Text a person reads (a name, a reason): within its length, and without control characters or
    /// invisible formatting such as direction overrides, which can make one name look like another.
    /// Line breaks and tabs only where <paramref name="multiline"/>.
    /// </summary>
    public FieldViolations Length(string? value, string field, int min, int max, bool multiline = false)
    {
        var length = value?.Length ?? 0;
        if (length < min || length > max)
        {
            return Add(field, min > 0 ? $"Required, {min}–{max} characters." : $"At most {max} characters.");
        }
        return Require(value is null || !value.Any(c => IsHidden(c, multiline)), field,
            "Must not contain control characters or invisible formatting (such as text-direction overrides).");
    }

    private static bool IsHidden(char c, bool multiline) =>
        (char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t'))
        || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format;

    public void ThrowIfAny()
    {
        if (!IsEmpty)
        {
            throw ToRpcException();
        }
    }

    /// <summary>
    /// INVALID_ARGUMENT, or another code whose refusal is still best explained field by field
    /// (PERMISSION_DENIED for cells that are not the caller's to report).
    /// </summary>
    public RpcException ToRpcException(StatusCode code = StatusCode.InvalidArgument)
    {
        var status = new Google.Rpc.Status
        {
            Code = (int)code,
            // The violations themselves, for clients that do not read the details; they never echo a value.
            Message = $"{(code == StatusCode.InvalidArgument ? "Invalid request" : "Not allowed")}: {string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}"))}",
            Details = { Any.Pack(new BadRequest { FieldViolations = { violations } }) },
        };
        return status.ToRpcException();
    }
}
