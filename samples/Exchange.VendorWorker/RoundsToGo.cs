namespace Exchange.VendorWorker;

/// <summary>With <see cref="WorkerOptions.Once"/>: stops the worker once every kommun has had its round.</summary>
public sealed class RoundsToGo(int kommuner, IHostApplicationLifetime lifetime)
{
    private int remaining = kommuner;

    public void Done(bool succeeded)
    {
        if (!succeeded)
        {
            Environment.ExitCode = 1;
        }
        if (Interlocked.Decrement(ref remaining) == 0)
        {
            lifetime.StopApplication();
        }
    }
}
