
namespace Exchange.Server.Admin;

public static class AdminExtensions
{
    public static WebApplicationBuilder AddExchangeAdmin(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<AuthorityAdministration>();
        builder.Services.AddScoped<GrantAdministration>();
        return builder;
    }
}
