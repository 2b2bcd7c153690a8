using Exchange.Web.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.FileProviders;

namespace Exchange.Web.Tests;

public sealed class StartupTests
{
    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "Exchange.Web";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    private static IConfiguration Config(string authority, string address) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Oidc:Authority"] = authority,
            ["Exchange:Address"] = address,
        }).Build();

    [Theory]
    [InlineData("http://idp.example.se", "https://exchange.example.se", "Oidc:Authority")]
    [InlineData("https://idp.example.se", "http://exchange.example.se", "Exchange:Address")]
    public void Outside_development_the_app_refuses_cleartext_addresses(string authority, string address, string named)
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            WebHostingExtensions.RequireHttpsOutsideDevelopment(new Environment("Production"), Config(authority, address)));
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void Development_may_use_cleartext_loopback_addresses()
    {
        WebHostingExtensions.RequireHttpsOutsideDevelopment(new Environment("Development"), Config("http://localhost:5190", "http://127.0.0.1:5080"));
        WebHostingExtensions.RequireHttpsOutsideDevelopment(new Environment("Production"), Config("https://idp.example.se", "https://exchange.example.se"));
    }
}
