using Exchange.Web.People;
using MudBlazor.Services;

namespace Exchange.Web.Hosting;

/// <summary>The host: settings, the start-up checks, security headers.</summary>
public static class WebHostingExtensions
{
    public static WebApplicationBuilder AddWebHosting(this WebApplicationBuilder builder)
    {
        RequireHttpsOutsideDevelopment(builder.Environment, builder.Configuration);
        builder.Services.AddOptions<WebOptions>().Bind(builder.Configuration.GetSection(WebOptions.Section))
            .Validate(o => o.IdleTimeout > TimeSpan.Zero, "Web:IdleTimeout must be positive.");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddScoped<FileDownloads>();
        return builder;
    }

    /// <summary>
    /// Outside Development the identity provider and the exchange must be reached over https: the ID
    /// token and the person tokens are bearer credentials.
    /// </summary>
    public static void RequireHttpsOutsideDevelopment(IHostEnvironment environment, IConfiguration configuration)
    {
        if (environment.IsDevelopment())
        {
            return;
        }
        foreach (var key in new[] { "Oidc:Authority", "Exchange:Address" })
        {
            var value = configuration[key];
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
            {
                throw new InvalidOperationException(
                    $"{key} must be an https address outside Development (it is '{value}'). Set it in appsettings.{environment.EnvironmentName}.json or as the environment variable {key.Replace(":", "__", StringComparison.Ordinal)}.");
            }
        }
    }

    public static WebApplication UseWebHosting(this WebApplication app)
    {
        var authority = app.Configuration.GetSection(OidcSettings.Section).Get<OidcSettings>()?.Authority;
        app.UseMiddleware<SecurityHeadersMiddleware>(ContentSecurityPolicy.For(authority));
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/fel", createScopeForErrors: true);
            app.UseHsts();
        }
        app.UseStatusCodePagesWithReExecute("/hittades-inte", createScopeForStatusCodePages: true);
        return app;
    }
}
