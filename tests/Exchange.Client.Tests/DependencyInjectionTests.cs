using Exchange.V1;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Exchange.Client.Tests;

/// <summary>Several authorities in one process: named clients from configuration, checked when the host starts.</summary>
public sealed class DependencyInjectionTests : IDisposable
{
    private readonly FakeTokenEndpoint endpoint = new();

    [Fact]
    public async Task Named_clients_are_bound_from_configuration_and_resolved_by_key_and_from_the_factory()
    {
        var keyFile = Path.GetTempFileName();
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        await File.WriteAllTextAsync(keyFile, rsa.ExportPkcs8PrivateKeyPem());
        try
        {
            await BindAndResolve(keyFile);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    private static async Task BindAndResolve(string keyFile)
    {
        var configuration = Configuration(new()
        {
            ["Exchange:Sundsvall:Address"] = "https://exchange.example.se",
            ["Exchange:Sundsvall:ClientId"] = "sundsvall-kommun",
            ["Exchange:Sundsvall:ClientSecret"] = "s3cret",
            ["Exchange:Sundsvall:Scopes:0"] = "statistics.report",
            ["Exchange:Sundsvall:Scopes:1"] = "referral.send",
            ["Exchange:Sundsvall:RetryMaxBackoff"] = "00:00:05",
            ["Exchange:Sundsvall:WaitForReady"] = "true",
            ["Exchange:Kramfors:Address"] = "https://exchange.example.se",
            ["Exchange:Kramfors:ClientId"] = "kramfors-kommun",
            ["Exchange:Kramfors:PrivateKeyPath"] = keyFile,
            ["Exchange:Kramfors:KeyId"] = "kramfors-2026",
        });
        var services = new ServiceCollection();
        services.AddExchangeClient("sundsvall", configuration.GetSection("Exchange:Sundsvall"));
        services.AddExchangeClient("kramfors", configuration.GetSection("Exchange:Kramfors"));
        await using var provider = services.BuildServiceProvider();

        var sundsvall = provider.GetRequiredKeyedService<ExchangeClient>("sundsvall");
        var kramfors = provider.GetRequiredService<IExchangeClientFactory>().GetClient("kramfors");

        Assert.Equal("sundsvall-kommun", sundsvall.Options.ClientId);
        Assert.Equal(["statistics.report", "referral.send"], sundsvall.Options.Scopes);
        Assert.Equal(TimeSpan.FromSeconds(5), sundsvall.Options.RetryMaxBackoff);
        Assert.True(sundsvall.Options.WaitForReady);
        Assert.Equal("kramfors-2026", kramfors.Options.KeyId);
        Assert.Same(sundsvall, provider.GetRequiredService<IExchangeClientFactory>().GetClient("sundsvall"));
        Assert.Same(kramfors, provider.GetRequiredKeyedService<ExchangeClient>("kramfors"));
        Assert.NotNull(provider.GetRequiredKeyedService<ReferralService.ReferralServiceClient>("kramfors"));
        // Named clients only: nothing is injected without a key.
        Assert.Null(provider.GetService<ExchangeClient>());
        Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IExchangeClientFactory>().GetClient("sundsval"));
    }

    [Theory]
    [InlineData("Address", "Address is required")]
    [InlineData("ClientId", "ClientId is required")]
    [InlineData("ClientSecret", "no credential")]
    public void Incomplete_options_fail_host_start_naming_the_client_and_the_setting(string left, string expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Address"] = "https://exchange.example.se",
            ["ClientId"] = "sundsvall-kommun",
            ["ClientSecret"] = "s3cret",
        };
        settings.Remove(left);
        var services = new ServiceCollection();
        services.AddExchangeClient("sundsvall", Configuration(settings));
        using var provider = services.BuildServiceProvider();

        // What the host runs before it starts anything (ValidateOnStart).
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Exchange client 'sundsvall'", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain("s3cret", error.Message);
    }

    [Fact]
    public void A_key_file_that_is_not_there_fails_host_start()
    {
        var services = new ServiceCollection();
        services.AddExchangeClient("kramfors", Configuration(new()
        {
            ["Address"] = "https://exchange.example.se",
            ["ClientId"] = "kramfors-kommun",
            ["PrivateKeyPath"] = "/run/secrets/no-such-kramfors.pem",
            ["KeyId"] = "kramfors-2026",
        }));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("PrivateKeyPath: there is no file /run/secrets/no-such-kramfors.pem", error.Message);
    }

    [Fact]
    public void A_key_without_its_kid_fails_host_start()
    {
        var services = new ServiceCollection();
        services.AddExchangeClient("kramfors", Configuration(new()
        {
            ["Address"] = "https://exchange.example.se",
            ["ClientId"] = "kramfors-kommun",
            ["PrivateKeyPath"] = "/run/secrets/kramfors.pem",
        }));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("KeyId is required", error.Message);
    }

    [Fact]
    public async Task The_unnamed_client_registered_with_a_delegate_is_injected_without_a_key()
    {
        var services = new ServiceCollection();
        services.AddExchangeClient(o =>
        {
            o.Address = new Uri("http://127.0.0.1:5080");
            o.ClientId = "sundsvall-kommun";
            o.ClientSecret = "s3cret";
        });
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.Same(provider.GetRequiredService<ExchangeClient>(), provider.GetRequiredService<IExchangeClientFactory>().GetClient(""));
        Assert.NotNull(provider.GetRequiredService<StatisticsService.StatisticsServiceClient>());
    }

    [Fact]
    public async Task Added_message_handlers_see_the_token_requests_in_order_before_the_primary_handler()
    {
        var seen = new List<string>();
        var services = new ServiceCollection();
        services.AddExchangeClient("sundsvall", o =>
            {
                o.Address = new Uri("http://127.0.0.1:5080");
                o.ClientId = "sundsvall-kommun";
                o.ClientSecret = "s3cret";
            })
            .ConfigurePrimaryHttpMessageHandler(_ => endpoint)
            .AddHttpMessageHandler(_ => new Recording("outer", seen))
            .AddHttpMessageHandler(_ => new Recording("inner", seen));
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredKeyedService<ExchangeClient>("sundsvall").Tokens.GetTokenAsync();

        Assert.Equal(["outer /connect/token", "inner /connect/token"], seen);
        Assert.Single(endpoint.Requests);
    }

    private sealed class Recording(string name, List<string> seen) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.Add($"{name} {request.RequestUri!.AbsolutePath}");
            return base.SendAsync(request, cancellationToken);
        }
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    public void Dispose() => endpoint.Dispose();
}
