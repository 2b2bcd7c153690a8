using Exchange.Web.Components;
using Exchange.Web.Hosting;
using Exchange.Web.People;
using Exchange.Web.Referrals;

// The content root is the app's own folder, so that `dotnet Exchange.Web.dll` from anywhere finds its settings.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.AddWebHosting();
builder.AddPeople();
builder.AddReferrals();

var app = builder.Build();

app.UseWebHosting();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.MapPeople();
app.MapStaticAssets();
// frame-ancestors is in the app's own Content-Security-Policy ('none'); Blazor's extra header ('self') is not needed.
app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);

app.Run();
