using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Exchange.Client.Internal;

internal sealed class ExchangeClientBuilder(string name, IServiceCollection services) : IExchangeClientBuilder
{
    public string Name { get; } = name;

    public IServiceCollection Services { get; } = services;
}

/// <summary>The names given to <c>AddExchangeClient</c>: a name not among them is a mistake to report, not a client to make from empty options.</summary>
internal sealed class ExchangeClientRegistrations
{
    public HashSet<string> Names { get; } = [];
}

/// <summary>A named client's HTTP pipeline, from <see cref="ExchangeClientBuilderExtensions"/>.</summary>
internal sealed class ExchangeClientHttpOptions
{
    public Func<IServiceProvider, HttpMessageHandler>? Primary { get; set; }

    public List<Func<IServiceProvider, DelegatingHandler>> Handlers { get; } = [];
}

/// <summary>Checks options at host start (ValidateOnStart) and on first use, naming the client and each missing setting.</summary>
internal sealed class ExchangeClientOptionsValidator : IValidateOptions<ExchangeClientOptions>
{
    public ValidateOptionsResult Validate(string? name, ExchangeClientOptions options)
    {
        var problems = options.Problems().ToList();
        var client = string.IsNullOrEmpty(name) ? "The Exchange client" : $"Exchange client '{name}'";
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Select(p => $"{client}: {p}"));
    }
}

/// <summary>Creates each named client once, from its options, the application's logger factory and its HTTP pipeline.</summary>
internal sealed class ExchangeClientFactory : IExchangeClientFactory, IDisposable
{
    private readonly IServiceProvider services;
    private readonly IOptionsMonitor<ExchangeClientOptions> options;
    private readonly IOptionsMonitor<ExchangeClientHttpOptions> http;
    private readonly ExchangeClientRegistrations registrations;
    private readonly ConcurrentDictionary<string, Lazy<ExchangeClient>> clients = new(StringComparer.Ordinal);
    private readonly IDisposable? reload;

    public ExchangeClientFactory(IServiceProvider services, IOptionsMonitor<ExchangeClientOptions> options, IOptionsMonitor<ExchangeClientHttpOptions> http, IOptions<ExchangeClientRegistrations> registrations)
    {
        this.services = services;
        this.options = options;
        this.http = http;
        this.registrations = registrations.Value;
        // Reloaded configuration reaches a running client's credential: a rotated key file path or kid
        // is used from the next token request, without restarting the application.
        reload = options.OnChange((changed, name) =>
        {
            if (name is not null && clients.TryGetValue(name, out var client) && client.IsValueCreated && !changed.Problems().Any())
            {
                client.Value.UpdateCredential(changed);
            }
        });
    }

    public ExchangeClient GetClient(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!registrations.Names.Contains(name))
        {
            throw new InvalidOperationException($"No Exchange client is registered as '{name}': call services.AddExchangeClient(\"{name}\", ...).");
        }
        return clients.GetOrAdd(name, n => new Lazy<ExchangeClient>(() => Create(n))).Value;
    }

    private ExchangeClient Create(string name)
    {
        var configured = options.Get(name).Clone();
        configured.LoggerFactory ??= services.GetService<ILoggerFactory>();
        var pipeline = http.Get(name);
        if (pipeline.Primary is not null || pipeline.Handlers.Count > 0)
        {
            var primary = pipeline.Primary is { } create ? () => create(services) : configured.CreateHttpHandler ?? HttpHandlers.CreateDefault;
            configured.CreateHttpHandler = () =>
            {
                var handler = primary();
                for (var i = pipeline.Handlers.Count - 1; i >= 0; i--)
                {
                    var outer = pipeline.Handlers[i](services);
                    outer.InnerHandler = handler;
                    handler = outer;
                }
                return handler;
            };
        }
        return ExchangeClient.Create(configured);
    }

    public void Dispose()
    {
        reload?.Dispose();
        foreach (var client in clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
    }
}
