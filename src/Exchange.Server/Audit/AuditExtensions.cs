using Exchange.Server.Configuration;

namespace Exchange.Server.Audit;

public static class AuditExtensions
{
    public const string Section = "Exchange:Audit";

    public static WebApplicationBuilder AddExchangeAudit(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<AuditCheckpointOptions>(Section);
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddScoped<AuditReader>();
        builder.Services.AddScoped<AuditVerifier>();
        builder.Services.AddSingleton<AuditCheckpoints>();
        // Registered before the services that audit, so that it stops after them and its last
        // checkpoint covers what they wrote while stopping.
        builder.Services.AddSingleton<AuditCheckpointWriter>();
        builder.Services.AddHostedService(s => s.GetRequiredService<AuditCheckpointWriter>());
        return builder;
    }
}
