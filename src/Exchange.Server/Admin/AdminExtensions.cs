using Exchange.Server.Identity;

namespace Exchange.Server.Admin;

public static class AdminExtensions
{
    public static WebApplicationBuilder AddExchangeAdmin(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<AuthorityAdministration>();
        builder.Services.AddScoped<GrantAdministration>();
        builder.Services.Configure<OperatorOptions>(builder.Configuration.GetSection(OperatorOptions.Section));
        return builder;
    }
}
