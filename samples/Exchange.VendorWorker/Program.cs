using Exchange.VendorWorker;

var builder = Host.CreateApplicationBuilder(args);

// One integration per kommun under "Kommuner", each with its own credential: a vendor serving several
// kommuner must never let one kommun's key sign another kommun's calls.
var kommuner = builder.Configuration.GetSection(KommunOptions.Section).GetChildren().Select(KommunOptions.From).ToList();
if (kommuner.Count == 0)
{
    throw new InvalidOperationException($"Configure at least one kommun under '{KommunOptions.Section}' (see appsettings.json).");
}

builder.Services.Configure<WorkerOptions>(builder.Configuration.GetSection(WorkerOptions.Section));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(services => new RoundsToGo(kommuner.Count, services.GetRequiredService<IHostApplicationLifetime>()));
foreach (var kommun in kommuner)
{
    builder.Services.AddSingleton<IHostedService>(services => ActivatorUtilities.CreateInstance<KommunIntegration>(services, kommun));
}

await builder.Build().RunAsync();
