using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Exchange.EndToEndTests;

/// <summary>
/// A TCP relay on loopback in front of a real server (PostgreSQL here): cut, it drops every
/// connection and refuses new ones, as a database host that went away; opened again on the same
/// port, it relays again. What a server sees is a real outage, not a fake.
/// </summary>
internal sealed class TcpRelay(string targetHost, int targetPort) : IAsyncDisposable
{
    private readonly ConcurrentBag<TcpClient> connections = [];
    private TcpListener? listener;
    private CancellationTokenSource? accepting;

    public int Port { get; private set; }

    public void Open()
    {
        listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        accepting = new CancellationTokenSource();
        _ = AcceptAsync(listener, accepting.Token);
    }

    public void Cut()
    {
        accepting?.Cancel();
        listener?.Stop();
        while (connections.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }

    private async Task AcceptAsync(TcpListener on, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var inbound = await on.AcceptTcpClientAsync(cancellationToken);
                var outbound = new TcpClient();
                connections.Add(inbound);
                connections.Add(outbound);
                await outbound.ConnectAsync(targetHost, targetPort, cancellationToken);
                _ = PumpAsync(inbound, outbound, cancellationToken);
                _ = PumpAsync(outbound, inbound, cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Cut.
        }
    }

    private static async Task PumpAsync(TcpClient from, TcpClient to, CancellationToken cancellationToken)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), cancellationToken);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // One side went away; the other follows below.
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        accepting?.Dispose();
        return ValueTask.CompletedTask;
    }
}
