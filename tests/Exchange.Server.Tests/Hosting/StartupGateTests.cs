using Exchange.Server.Bootstrap;
using Exchange.Server.Hosting;
using Microsoft.AspNetCore.Http;

namespace Exchange.Server.Tests.Hosting;

public class StartupGateTests
{
    private static async Task<(HttpContext Context, bool Passed)> SendAsync(StartupGate gate, string path, string contentType)
    {
        var passed = false;
        var middleware = new StartupGateMiddleware(_ => { passed = true; return Task.CompletedTask; }, gate);
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        context.Request.ContentType = contentType;
        context.Response.Body = new MemoryStream();
        await middleware.InvokeAsync(context);
        return (context, passed);
    }

    [Fact]
    public async Task Until_the_first_start_is_done_calls_are_told_to_come_back()
    {
        var gate = new StartupGate { Hold = TimeSpan.FromMilliseconds(50) };

        var (grpc, grpcPassed) = await SendAsync(gate, "/exchange.v1.AdminService/ListAuthorities", "application/grpc");
        var (token, tokenPassed) = await SendAsync(gate, "/connect/token", "application/x-www-form-urlencoded");
        var (_, healthPassed) = await SendAsync(gate, "/grpc.health.v1.Health/Check", "application/grpc");

        Assert.False(grpcPassed);
        Assert.Equal("14", grpc.Response.Headers["grpc-status"]);
        Assert.False(tokenPassed);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, token.Response.StatusCode);
        Assert.True(healthPassed);
    }

    [Fact]
    public async Task A_call_that_arrives_while_the_server_starts_is_held_until_the_gate_opens()
    {
        var gate = new StartupGate { Hold = TimeSpan.FromSeconds(30) };

        var call = SendAsync(gate, "/exchange.v1.AdminService/ListAuthorities", "application/grpc");
        var readiness = await SendAsync(gate, "/readyz", "");
        Assert.False(call.IsCompleted);
        gate.Open();

        Assert.True((await call).Passed);
        // A readiness probe is not held: it is told at once that the server is not ready.
        Assert.False(readiness.Passed);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, readiness.Context.Response.StatusCode);
    }

    [Fact]
    public async Task Once_open_everything_passes()
    {
        var gate = new StartupGate();
        gate.Open();
        Assert.True((await SendAsync(gate, "/exchange.v1.AdminService/ListAuthorities", "application/grpc")).Passed);
    }
}
