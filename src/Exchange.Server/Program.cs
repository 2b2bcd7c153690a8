using Exchange.Server.Admin;
using Exchange.Server.Audit;
using Exchange.Server.Authorization;
using Exchange.Server.Hosting;
using Exchange.Server.Identity;
using Exchange.Server.Statistics;
using Exchange.Server.Storage;
using Exchange.Server.Telemetry;

var builder = WebApplication.CreateBuilder(args);

builder.AddExchangeStorage();
builder.AddExchangeAudit();
builder.AddExchangeIdentity();
builder.AddExchangeAuthorization();
builder.AddExchangeAdmin();
builder.AddExchangeStatistics();
builder.AddExchangeGrpc();
builder.AddExchangeTelemetry();

var app = builder.Build();

app.MapExchangeIdentity();
app.MapExchangeGrpc();

await app.RunAsync();

/// <summary>The server's entry point; public so end-to-end tests can host it.</summary>
public partial class Program;
