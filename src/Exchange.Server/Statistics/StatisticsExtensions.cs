namespace Exchange.Server.Statistics;

public static class StatisticsExtensions
{
    public static WebApplicationBuilder AddExchangeStatistics(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<IndicatorCatalogue>();
        return builder;
    }
}
