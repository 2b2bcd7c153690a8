using Exchange.Server.Configuration;

namespace Exchange.Server.Bootstrap;

/// <summary>
/// Closed until the first-start work is done (the operator bootstrap, configured operators, the
/// demo seed), which needs the server listening to know its own address. Until then the token
/// endpoint and the exchange's RPCs answer "starting" (503 / UNAVAILABLE, which clients retry)
/// instead of meeting a half-made store; health checks stay open. A call that arrives while the gate
/// is closed is held for a moment first (<see cref="Hold"/>): after a restart the first-start work is
/// quick, and a client that waited for the port (wait-for-ready) is then served, not refused.
/// </summary>
public sealed class StartupGate
{
    private readonly TaskCompletionSource opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How long a call that arrives before the gate opens waits for it.</summary>
    public TimeSpan Hold { get; init; } = TimeSpan.FromSeconds(10);

    public bool IsOpen => opened.Task.IsCompleted;

    public void Open() => opened.TrySetResult();

    /// <summary>Whether the gate is open, or opens within <see cref="Hold"/>.</summary>
    public async Task<bool> WaitAsync(CancellationToken cancellationToken)
    {
        if (IsOpen || Hold <= TimeSpan.Zero)
        {
            return IsOpen;
        }
        try
        {
            await opened.Task.WaitAsync(Hold, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}

public static class BootstrapExtensions
{
    /// <summary>First-start work: the operator authority, operators from configuration, the demo seed (Development).</summary>
    public static WebApplicationBuilder AddExchangeBootstrap(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<OperatorOptions>(OperatorOptions.Section);
        builder.AddValidatedOptions<DemoOptions>(DemoOptions.Section);
        builder.Services.AddOptions<List<ConfiguredOperator>>().BindConfiguration(ConfiguredOperator.Section);
        builder.Services.AddSingleton<StartupGate>();
        builder.Services.AddHostedService<OperatorBootstrap>();
        return builder;
    }

}
