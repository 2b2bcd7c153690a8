using System.Buffers.Binary;
using System.IO.Compression;
using Grpc.Core;
using Grpc.Net.Compression;

namespace Exchange.Server.Hosting;

/// <summary>
/// gRPC reads a call's frames and decompresses them before any code of ours runs, and turns what it
/// cannot read into UNKNOWN with a stack trace in the log. These two pieces turn a bad frame header
/// and a broken gzip message into INVALID_ARGUMENT instead, which gRPC passes on as it is.
/// </summary>
internal static class GrpcFraming
{
    public static RpcException Malformed(string what) => new(new Status(StatusCode.InvalidArgument, $"Malformed gRPC message: {what}."));
}

/// <summary>Wraps a gRPC request body and checks each frame's header (compressed flag 0 or 1, a length any service could take) as the bytes go by.</summary>
internal sealed class FrameCheckingStream(Stream inner) : ReadOnlyStream
{
    private readonly byte[] header = new byte[5];
    private int headerRead;
    private long payloadLeft;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Inspect(buffer.Span[..read]);
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        Inspect(buffer.AsSpan(offset, read));
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Inspect(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (payloadLeft > 0)
            {
                var skip = (int)Math.Min(payloadLeft, bytes.Length);
                payloadLeft -= skip;
                bytes = bytes[skip..];
                continue;
            }
            header[headerRead++] = bytes[0];
            bytes = bytes[1..];
            if (headerRead == 1 && header[0] > 1)
            {
                throw GrpcFraming.Malformed("the compressed flag must be 0 or 1");
            }
            if (headerRead == header.Length)
            {
                payloadLeft = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
                headerRead = 0;
                if (payloadLeft > GrpcExtensions.StatisticsMaxMessage)
                {
                    // Each service has a smaller cap of its own, which gRPC applies; beyond the largest, gRPC's reader would fail on its own terms.
                    throw new RpcException(new Status(StatusCode.ResourceExhausted, "The message is larger than any this server takes."));
                }
            }
        }
    }
}

/// <summary>gzip as gRPC's own provider does it, except that a message that is not valid gzip is INVALID_ARGUMENT.</summary>
internal sealed class CheckedGzipCompressionProvider : ICompressionProvider
{
    private readonly GzipCompressionProvider gzip = new(CompressionLevel.Fastest);

    public string EncodingName => gzip.EncodingName;

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) => gzip.CreateCompressionStream(stream, compressionLevel);

    public Stream CreateDecompressionStream(Stream stream) => new CheckedStream(gzip.CreateDecompressionStream(stream));

    private sealed class CheckedStream(Stream inner) : ReadOnlyStream
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                return inner.Read(buffer, offset, count);
            }
            catch (InvalidDataException)
            {
                throw GrpcFraming.Malformed("the message is not valid gzip");
            }
        }

        public override int Read(Span<byte> buffer)
        {
            try
            {
                return inner.Read(buffer);
            }
            catch (InvalidDataException)
            {
                throw GrpcFraming.Malformed("the message is not valid gzip");
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }

    }
}

/// <summary>A stream that can only be read forward, as a request body is.</summary>
internal abstract class ReadOnlyStream : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
