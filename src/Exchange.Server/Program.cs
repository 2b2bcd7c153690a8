using Exchange.Server.Admin;
using Exchange.Server.Audit;
using Exchange.Server.Authorization;
using Exchange.Server.Bootstrap;
using Exchange.Server.Hosting;
using Exchange.Server.Identity;
using Exchange.Server.People;
using Exchange.Server.Population;
using Exchange.Server.Referrals;
using Exchange.Server.Statistics;
using Exchange.Server.Storage;
using Exchange.Server.Telemetry;

if (ServerUsage.IsRequested(args))
{
    Console.WriteLine(ServerUsage.Text);
    return;
}

// Configuration comes from the application's folder whatever the working directory: a service
// manager starts the server from /, and appsettings.json must still be found.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.AddExchangeStorage();
builder.AddExchangeAudit();
builder.AddExchangeIdentity();
builder.AddExchangePeople();
builder.AddExchangeAuthorization();
builder.AddExchangeAdmin();
builder.AddExchangeBootstrap();
builder.AddExchangeStatistics();
builder.AddExchangeReferrals();
builder.AddExchangePopulation();
builder.AddExchangeGrpc();
builder.AddExchangeTelemetry();

var app = builder.Build();

app.MapExchangeStartupGate();
app.MapExchangeStoreOutage();
app.MapExchangeIdentity();
app.MapExchangeGrpc();

await app.RunAsync();

/// <summary>The server's entry point; public so end-to-end tests can host it.</summary>
public partial class Program;
