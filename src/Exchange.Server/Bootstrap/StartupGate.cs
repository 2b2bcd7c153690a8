using Exchange.Server.Configuration;

namespace Exchange.Server.Bootstrap;

/// <summary>
/// Closed until the first-start work is done (the operator bootstrap, configured operators, the
/// demo seed), which needs the server listening to know its own address. Until then the token
/// endpoint and the exchange's RPCs answer "starting" (503 / UNAVAILABLE, which clients retry)
/// instead of meeting a half-made store; health checks stay open.
/// </summary>
public sealed class StartupGate
{
    private volatile bool open;

    public bool IsOpen => open;

    public void Open() => open = true;
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
