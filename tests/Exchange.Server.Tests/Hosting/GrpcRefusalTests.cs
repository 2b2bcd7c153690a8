using Exchange.Server.Hosting;

namespace Exchange.Server.Tests.Hosting;

public class GrpcRefusalTests
{
    [Theory]
    [InlineData("A valid token (Authorization: Bearer x).", "A valid token (Authorization: Bearer x).")]
    [InlineData("100% sure", "100%25 sure")]
    [InlineData("Bearer …", "Bearer %E2%80%A6")]
    [InlineData("två\nrader", "tv%C3%A5%0Arader")]
    public void Grpc_message_encodes_only_what_the_grpc_spec_requires(string message, string encoded) =>
        Assert.Equal(encoded, GrpcRefusal.PercentEncode(message));
}
