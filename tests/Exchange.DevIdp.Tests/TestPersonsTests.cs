using System.Text.Json;

namespace Exchange.DevIdp.Tests;

/// <summary>The defaults in the IdP's appsettings.json, which the web app's tests and the quickstart count on.</summary>
public sealed class TestPersonsTests
{
    private static readonly JsonElement DevIdp = JsonDocument.Parse(File.ReadAllText(AppSettings())).RootElement.GetProperty("DevIdp");

    [Fact]
    public void The_default_persons_are_the_eight_the_web_app_expects()
    {
        var persons = DevIdp.GetProperty("Persons").EnumerateArray()
            .Select(p => (p.GetProperty("Subject").GetString(), p.GetProperty("Name").GetString(), p.GetProperty("Description").GetString()));

        Assert.Equal(
        [
            ("kramfors-handlaggare", "Karin Berg", "Handläggare, Kramfors kommun (tar emot remisser)"),
            ("polis-handlaggare", "Per Lind", "Handläggare, Polisregion Nord (skickar remisser)"),
            ("sundsvall-handlaggare", "Sara Ek", "Handläggare, Sundsvalls kommun"),
            ("kramfors-admin", "Klas Holm", "Lokal administratör, Kramfors kommun"),
            ("lansstyrelsen-analytiker", "Lena Sjö", "Analytiker, Länsstyrelsen Västernorrland"),
            ("sundsvall-analytiker", "Stina Wall", "Analytiker, Sundsvalls kommun (rapporterar och läser statistik)"),
            ("operator", "Olle Strand", "Operatör"),
            ("utan-medlemskap", "Ulla Nord", "Inget medlemskap"),
        ], persons);
    }

    [Fact]
    public void Every_default_person_has_a_distinct_valid_personnummer()
    {
        var numbers = DevIdp.GetProperty("Persons").EnumerateArray().Select(p => p.GetProperty("PersonalIdentityNumber").GetString()).ToList();

        Assert.All(numbers, n => Assert.True(PersonalIdentityNumber.IsValid(n), "not 12 digits with a valid check digit"));
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
    }

    [Theory]
    [InlineData("191212121212", true)]
    [InlineData("191212121213", false)]
    [InlineData("19121212121", false)]
    [InlineData("1912121212120", false)]
    [InlineData("19121212121a", false)]
    [InlineData(null, false)]
    public void Personnummer_check_digit_is_Luhn_over_the_last_ten_digits(string? value, bool valid) =>
        Assert.Equal(valid, PersonalIdentityNumber.IsValid(value));

    [Fact]
    public void The_default_client_is_the_web_app_on_port_5200()
    {
        var client = Assert.Single(DevIdp.GetProperty("Clients").EnumerateArray());

        Assert.Equal("exchange-web", client.GetProperty("ClientId").GetString());
        Assert.Equal("http://localhost:5200/signin-oidc", Assert.Single(client.GetProperty("RedirectUris").EnumerateArray()).GetString());
        Assert.Equal("http://localhost:5200/signout-callback-oidc", Assert.Single(client.GetProperty("PostLogoutRedirectUris").EnumerateArray()).GetString());
    }

    private static string AppSettings()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Exchange.sln")))
        {
            directory = directory.Parent;
        }
        Assert.NotNull(directory);
        return Path.Combine(directory.FullName, "src", "Exchange.DevIdp", "appsettings.json");
    }
}
