using Exchange.Server.Validation;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.Server.Tests.Validation;

public class FieldViolationsTests
{
    [Fact]
    public void Violations_become_invalid_argument_with_bad_request_details()
    {
        var violations = new FieldViolations()
            .Require(false, "authority.id", "Bad id.")
            .Length("", "authority.name", 1, 200);

        var exception = Assert.Throws<RpcException>(violations.ThrowIfAny);

        Assert.Equal(StatusCode.InvalidArgument, exception.StatusCode);
        var badRequest = exception.GetRpcStatus()!.GetDetail<BadRequest>();
        Assert.Equal(["authority.id", "authority.name"], badRequest.FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public void No_violations_throw_nothing()
    {
        var violations = new FieldViolations().Require(true, "x", "never").Length("ok", "y", 1, 5);
        Assert.True(violations.IsEmpty);
        violations.ThrowIfAny();
    }

    [Fact]
    public void Page_token_of_another_list_is_refused()
    {
        var token = Paging.Encode("grants", "abc");
        var violations = new FieldViolations();

        Assert.Equal("abc", Paging.Decode(violations, "grants", token));
        Assert.Null(Paging.Decode(violations, "authorities", token));
        Assert.Null(Paging.Decode(violations, "authorities", "%%%not-base64"));
        Assert.Equal(2, violations.Items.Count);
    }
}
