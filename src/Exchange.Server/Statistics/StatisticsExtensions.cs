namespace Exchange.Server.Statistics;

public static class StatisticsExtensions
{
    public static WebApplicationBuilder AddExchangeStatistics(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<IndicatorCatalogue>();
        builder.Services.AddSingleton<CatalogueSnapshot>();
        builder.Services.AddScoped<StatisticsStore>();
        builder.Services.AddScoped<StatisticsQuery>();
        builder.Services.AddSingleton<ProtectedTables>();
        return builder;
    }
}
