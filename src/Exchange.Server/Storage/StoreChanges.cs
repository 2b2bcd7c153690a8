using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Exchange.Server.Storage;

/// <summary>
/// What other servers on the same store changed, as soon as they commit it. On PostgreSQL, triggers
/// NOTIFY on commit (see the AdmissionStamp migration) and this server LISTENs on a connection of its
/// own: a referral stored through one server wakes the watchers on every other at once, and a change
/// to authorities, grants or indicators reaches every server's admission cache and catalogue. While the listener is not
/// connected, nothing is taken from it: the admission stamp is then read from the store on every
/// call and watchers fall back to polling. On SQLite there is no such channel; the stamp is read on
/// every call (a local file read) and watchers on another server poll.
/// </summary>
public sealed class StoreChanges
{
    public const string AdmissionChannel = "exchange_admission";
    public const string ReferralsChannel = "exchange_referrals";

    private long listenedStamp = -1;

    /// <summary>Raised when another server (or this one) stored a referral event.</summary>
    public event Action? ReferralsChanged;

    /// <summary>The last admission stamp a notification carried, while the listener is connected; else null.</summary>
    internal long? ListenedStamp
    {
        get
        {
            var stamp = Volatile.Read(ref listenedStamp);
            return stamp < 0 ? null : stamp;
        }
    }

    /// <summary>
    /// The admission stamp now: from the listener while it is connected (no round trip), else read
    /// from the store with the caller's connection.
    /// </summary>
    public async ValueTask<long> AdmissionStampAsync(ExchangeDbContext db, CancellationToken cancellationToken, bool fromStore = false)
    {
        if (!fromStore && ListenedStamp is { } listened)
        {
            return listened;
        }
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT \"Version\" FROM admission_stamp WHERE \"Id\" = 1";
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    internal void Listening(long stamp)
    {
        Volatile.Write(ref listenedStamp, stamp);
        // Whatever was stored while not listening has not woken anyone.
        ReferralsChanged?.Invoke();
    }

    internal void NotListening() => Volatile.Write(ref listenedStamp, -1);

    internal void Notified(string channel, string payload)
    {
        if (channel == AdmissionChannel && long.TryParse(payload, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var stamp))
        {
            Advance(stamp);
        }
        else if (channel == ReferralsChannel)
        {
            ReferralsChanged?.Invoke();
        }
    }

    /// <summary>
    /// Takes a stamp this server committed or was notified of. The stamp never goes back: a
    /// notification that arrives after this server's own later commit changes nothing.
    /// </summary>
    internal void Advance(long stamp)
    {
        long seen;
        do
        {
            seen = Volatile.Read(ref listenedStamp);
            if (seen < 0 || stamp <= seen)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref listenedStamp, stamp, seen) != seen);
    }
}

/// <summary>Keeps a LISTEN connection to PostgreSQL open, reconnecting after a second when it drops.</summary>
internal sealed partial class StoreChangeListener(StoreChanges changes, IOptions<StorageOptions> options, TimeProvider time, ILogger<StoreChangeListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.IsPostgres)
        {
            return;
        }
        var connectionString = new NpgsqlConnectionStringBuilder(options.Value.ConnectionString)
        {
            Pooling = false,
            // Finds a silently dead connection (a failed-over database) instead of waiting on it forever.
            KeepAlive = 10,
        }.ConnectionString;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => changes.Notified(e.Channel, e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {StoreChanges.AdmissionChannel}; LISTEN {StoreChanges.ReferralsChannel};", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                // Read after LISTEN: a change committed in between is both in this stamp and notified.
                await using (var read = new NpgsqlCommand("SELECT \"Version\" FROM admission_stamp WHERE \"Id\" = 1", connection))
                {
                    changes.Listening((long)(await read.ExecuteScalarAsync(stoppingToken))!);
                }
                Listening(logger);
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or DbException or IOException or InvalidOperationException or TimeoutException)
            {
                changes.NotListening();
                Lost(logger, e.GetType().Name);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            finally
            {
                changes.NotListening();
            }
        }
    }

    [LoggerMessage(30, LogLevel.Debug, "Listening to store changes made by every server on this database")]
    private static partial void Listening(ILogger logger);

    [LoggerMessage(31, LogLevel.Warning, "Lost the connection that listens to store changes ({Reason}); reading the store on every call until it is back")]
    private static partial void Lost(ILogger logger, string reason);
}
