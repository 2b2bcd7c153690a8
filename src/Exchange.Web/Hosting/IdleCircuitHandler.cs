using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Exchange.Web.Hosting;

/// <summary>Feeds the circuit's inbound activity to its <see cref="IdleTimeoutTracker"/>.</summary>
public sealed class IdleCircuitHandler(IdleTimeoutTracker tracker) : CircuitHandler
{
    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        context =>
        {
            tracker.RecordActivity();
            return next(context);
        };

    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        tracker.Start();
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        tracker.Dispose();
        return Task.CompletedTask;
    }
}
