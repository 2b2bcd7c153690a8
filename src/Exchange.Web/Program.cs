using Exchange.Web.Components;
using Exchange.Web.Hosting;
using Exchange.Web.People;
using Exchange.Web.Referrals;

var builder = WebApplication.CreateBuilder(args);

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
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();
