namespace Exchange.Server.Population;

public static class PopulationExtensions
{
    public static WebApplicationBuilder AddExchangePopulation(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<PopulationTable>();
        return builder;
    }
}
