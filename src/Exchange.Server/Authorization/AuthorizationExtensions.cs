namespace Exchange.Server.Authorization;

public static class AuthorizationExtensions
{
    /// <summary>Per-call authorisation of every exchange RPC against the token and the current store.</summary>
    public static WebApplicationBuilder AddExchangeAuthorization(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RpcAccessRules>();
        builder.Services.AddScoped<CallerAccess>();
        builder.Services.AddScoped<AccessInterceptor>();
        return builder;
    }
}
