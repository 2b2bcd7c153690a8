using Exchange.Client;
using Exchange.Client.Internal;
using Exchange.V1;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

// In the DI namespace so that AddExchangeClient is found where services are registered, as
// AddGrpcClient and AddHttpClient are: the one file whose namespace does not follow its folder.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers Exchange clients with dependency injection.</summary>
public static class ExchangeClientServiceCollectionExtensions
{
    // Options' own default name: the unnamed client is the one injected without a key.
    private const string DefaultName = "";

    /// <summary>
    /// Registers one shared <see cref="ExchangeClient"/> and its typed service clients
    /// (<see cref="StatisticsService.StatisticsServiceClient"/>, <see cref="ReferralService.ReferralServiceClient"/>,
    /// <see cref="AdminService.AdminServiceClient"/>, <see cref="AccountService.AccountServiceClient"/>).
    /// The options are validated when the host starts.
    /// </summary>
    /// <example>
    /// <code>
    /// builder.Services.AddExchangeClient(o =>
    /// {
    ///     o.Address = new Uri("https://exchange.example.se");
    ///     o.ClientId = "sundsvall-kommun";
    ///     o.PrivateKeyPath = "/run/secrets/exchange-key.pem";
    ///     o.KeyId = "sundsvall-2026";
    /// });
    /// </code>
    /// </example>
    public static IServiceCollection AddExchangeClient(this IServiceCollection services, Action<ExchangeClientOptions> configure)
    {
        AddExchangeClient(services, DefaultName, configure);
        return services;
    }

    /// <summary>
    /// Registers the unnamed <see cref="ExchangeClient"/> and its typed service clients, as
    /// <see cref="AddExchangeClient(IServiceCollection, Action{ExchangeClientOptions})"/> does, with options bound
    /// from <paramref name="configuration"/> (e.g. <c>configuration.GetSection("Exchange:Client")</c>).
    /// </summary>
    public static IExchangeClientBuilder AddExchangeClient(this IServiceCollection services, IConfiguration configuration) =>
        AddExchangeClient(services, DefaultName, configuration);

    /// <summary>
    /// Registers the <see cref="ExchangeClient"/> of one authority under <paramref name="name"/>, with options
    /// bound from <paramref name="configuration"/> and validated when the host starts. Get it as the keyed
    /// service <c>[FromKeyedServices(name)] ExchangeClient</c> (its typed service clients are keyed by the
    /// name too) or from <see cref="IExchangeClientFactory.GetClient"/>. When the configuration reloads, a changed
    /// credential (<c>KeyId</c>, <c>PrivateKeyPath</c>, <c>PrivateKeyPem</c>, <c>ClientSecret</c>) is used from
    /// the next token request on; other settings take effect on restart.
    /// </summary>
    /// <example>
    /// <code>
    /// builder.Services.AddExchangeClient("sundsvall", builder.Configuration.GetSection("Exchange:Sundsvall"));
    /// builder.Services.AddExchangeClient("kramfors", builder.Configuration.GetSection("Exchange:Kramfors"));
    /// builder.Services.AddHealthChecks().AddExchange("sundsvall").AddExchange("kramfors");
    /// </code>
    /// </example>
    public static IExchangeClientBuilder AddExchangeClient(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = AddExchangeClientCore(services, name);
        services.AddOptions<ExchangeClientOptions>(name).Bind(configuration);
        return builder;
    }

    /// <summary>
    /// Registers the <see cref="ExchangeClient"/> of one authority under <paramref name="name"/>, configured by
    /// <paramref name="configure"/>, as <see cref="AddExchangeClient(IServiceCollection, string, IConfiguration)"/> does.
    /// </summary>
    public static IExchangeClientBuilder AddExchangeClient(this IServiceCollection services, string name, Action<ExchangeClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = AddExchangeClientCore(services, name);
        services.AddOptions<ExchangeClientOptions>(name).Configure(configure);
        return builder;
    }

    private static ExchangeClientBuilder AddExchangeClientCore(IServiceCollection services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        services.AddOptions<ExchangeClientOptions>(name).ValidateOnStart();
        services.Configure<ExchangeClientRegistrations>(r => r.Names.Add(name));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ExchangeClientOptions>, ExchangeClientOptionsValidator>());
        services.TryAddSingleton<IExchangeClientFactory, ExchangeClientFactory>();

        // The factory owns (and disposes) the clients, so these registrations are factories over it.
        services.AddKeyedSingleton(name, (sp, _) => Client(sp, name));
        services.AddKeyedTransient(name, (sp, _) => Client(sp, name).Statistics);
        services.AddKeyedTransient(name, (sp, _) => Client(sp, name).Referrals);
        services.AddKeyedTransient(name, (sp, _) => Client(sp, name).Admin);
        services.AddKeyedTransient(name, (sp, _) => Client(sp, name).Account);
        if (name == DefaultName)
        {
            services.AddSingleton(sp => Client(sp, name));
            services.AddTransient(sp => Client(sp, name).Statistics);
            services.AddTransient(sp => Client(sp, name).Referrals);
            services.AddTransient(sp => Client(sp, name).Admin);
            services.AddTransient(sp => Client(sp, name).Account);
        }
        return new ExchangeClientBuilder(name, services);
    }

    private static ExchangeClient Client(IServiceProvider services, string name) => services.GetRequiredService<IExchangeClientFactory>().GetClient(name);
}

/// <summary>Adds to the HTTP pipeline of a client registered with <c>AddExchangeClient</c>.</summary>
public static class ExchangeClientBuilderExtensions
{
    /// <summary>
    /// Adds a handler around the client's HTTP requests — gRPC calls and token requests alike — e.g. to add
    /// a header or record traffic. Handlers run in the order added, the first outermost;
    /// <paramref name="create"/> is called for each pipeline built (one for gRPC, one per token provider).
    /// </summary>
    public static IExchangeClientBuilder AddHttpMessageHandler(this IExchangeClientBuilder builder, Func<IServiceProvider, DelegatingHandler> create)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(create);
        builder.Services.Configure<ExchangeClientHttpOptions>(builder.Name, o => o.Handlers.Add(create));
        return builder;
    }

    /// <summary>
    /// Sets the innermost handler, which sends the requests: e.g. a <see cref="SocketsHttpHandler"/> that trusts
    /// a private certificate authority or presents a client certificate. Replaces
    /// <see cref="ExchangeClientOptions.CreateHttpHandler"/>. Default: a <see cref="SocketsHttpHandler"/> with
    /// HTTP/2 keep-alive pings.
    /// </summary>
    public static IExchangeClientBuilder ConfigurePrimaryHttpMessageHandler(this IExchangeClientBuilder builder, Func<IServiceProvider, HttpMessageHandler> create)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(create);
        builder.Services.Configure<ExchangeClientHttpOptions>(builder.Name, o => o.Primary = create);
        return builder;
    }

    /// <summary>Configures the client's options further, after configuration binding: e.g. a signing callback, which configuration cannot hold.</summary>
    public static IExchangeClientBuilder Configure(this IExchangeClientBuilder builder, Action<ExchangeClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure(builder.Name, configure);
        return builder;
    }

    /// <summary>Configures the client's options further with services, e.g. a key vault client for <see cref="ExchangeClientOptions.SignAsync"/>.</summary>
    public static IExchangeClientBuilder Configure<TDependency>(this IExchangeClientBuilder builder, Action<ExchangeClientOptions, TDependency> configure)
        where TDependency : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ExchangeClientOptions>(builder.Name).Configure(configure);
        return builder;
    }
}
