using Exchange.Web.People;

namespace Exchange.Web.Tests;

public sealed class ReturnAddressTests
{
    [Theory]
    [InlineData("/inkorg")]
    [InlineData("/remisser/r-123?x=1")]
    public void A_page_of_the_app_is_returned_to_after_login(string path) => Assert.Equal(path, PeopleExtensions.LocalOnly(path));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("/\t/evil.example")]
    [InlineData("/\n/evil.example")]
    [InlineData("inkorg")]
    public void Anything_that_could_lead_elsewhere_returns_to_the_start_page(string? returnUrl) =>
        Assert.Equal("/", PeopleExtensions.LocalOnly(returnUrl));
}
