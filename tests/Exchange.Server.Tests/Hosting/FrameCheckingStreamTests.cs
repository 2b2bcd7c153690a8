using Exchange.Server.Hosting;
using Grpc.Core;

namespace Exchange.Server.Tests.Hosting;

public class FrameCheckingStreamTests
{
    private static byte[] Frame(byte flag, int length) => [flag, 0, 0, (byte)(length >> 8), (byte)length, .. new byte[length]];

    private static async Task ReadAllAsync(byte[] body, int chunk)
    {
        using var stream = new FrameCheckingStream(new MemoryStream(body));
        var buffer = new byte[chunk];
        while (await stream.ReadAsync(buffer) > 0)
        {
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public async Task Well_formed_frames_pass_however_the_bytes_arrive(int chunk) =>
        await ReadAllAsync([.. Frame(0, 300), .. Frame(1, 0), .. Frame(0, 7)], chunk);

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(4096)]
    public async Task A_frame_with_an_impossible_flag_is_invalid_argument_wherever_it_starts(int chunk)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync([.. Frame(0, 300), .. Frame(2, 4)], chunk));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }
}
