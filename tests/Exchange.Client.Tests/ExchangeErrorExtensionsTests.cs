using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.Client.Tests;

public class ExchangeErrorExtensionsTests
{
    [Fact]
    public void Field_violations_and_preconditions_are_read_from_the_status_details()
    {
        var error = new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = "The submission is not valid.",
            Details =
            {
                Any.Pack(new BadRequest
                {
                    FieldViolations =
                    {
                        new BadRequest.Types.FieldViolation { Field = "cells[0].count", Description = "must be 0 or more" },
                        new BadRequest.Types.FieldViolation { Field = "cells[1].area_code", Description = "unknown area" },
                    },
                }),
                Any.Pack(new PreconditionFailure { Violations = { new PreconditionFailure.Types.Violation { Type = "WINDOW_CLOSED", Subject = "2026Q1", Description = "closed" } } }),
            },
        }.ToRpcException();

        Assert.Equal([("cells[0].count", "must be 0 or more"), ("cells[1].area_code", "unknown area")], error.GetFieldViolations());
        Assert.Equal([("WINDOW_CLOSED", "2026Q1", "closed")], error.GetPreconditionFailures());
        Assert.Null(error.GetErrorDetail<ErrorInfo>());
        Assert.Null(error.GetTokenRefusal());
    }

    [Fact]
    public void An_error_without_details_has_no_violations()
    {
        var error = new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "restarting"));

        Assert.Empty(error.GetFieldViolations());
        Assert.Empty(error.GetPreconditionFailures());
    }
}
