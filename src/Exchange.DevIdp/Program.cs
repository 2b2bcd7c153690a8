using Exchange.DevIdp;

// Configuration comes from the application's folder whatever the working directory, as the server's does.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// A test double that signs anybody in as anybody: it must never answer outside a developer's machine.
if (!builder.Environment.IsDevelopment())
{
    await Console.Error.WriteLineAsync(
        $"Exchange.DevIdp refuses to start in the environment '{builder.Environment.EnvironmentName}': it signs anyone in as a test person " +
        "and is for Development only. Set ASPNETCORE_ENVIRONMENT=Development on a developer's machine; use the county's IdP everywhere else.");
    return 1;
}

builder.AddDevIdpOptions();
builder.AddDevIdpStore();
builder.AddDevIdpOpenIddict();
builder.AddDevIdpLogin();

var app = builder.Build();

app.MapDevIdpLogin();

await app.RunAsync();
return 0;
