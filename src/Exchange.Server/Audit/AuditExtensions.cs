namespace Exchange.Server.Audit;

public static class AuditExtensions
{
    public static WebApplicationBuilder AddExchangeAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddScoped<AuditReader>();
        return builder;
    }
}
