using Exchange.Contracts;

namespace Exchange.Server.Tests.People;

public class PersonReferenceTests
{
    [Fact]
    public void A_person_has_one_reference_per_identity_provider_whatever_the_issuers_trailing_slash()
    {
        var reference = PersonReference.Of("https://idp.lvn.se", "kramfors-handlaggare");

        Assert.Equal(PersonReference.Length, reference.Length);
        Assert.Matches("^[A-Z2-7]{20}$", reference);
        Assert.Equal(reference, PersonReference.Of("https://idp.lvn.se", "kramfors-handlaggare"));
        Assert.NotEqual(reference, PersonReference.Of("https://idp.lvn.se", "kramfors-handlaggare2"));
        Assert.NotEqual(reference, PersonReference.Of("https://other-idp.se", "kramfors-handlaggare"));
    }

    [Theory]
    [InlineData("ABCDE-FGHIJ-KLMNO-PQRST", "ABCDEFGHIJKLMNOPQRST")]
    [InlineData("abcdefghijklmnopqrst", "ABCDEFGHIJKLMNOPQRST")]
    [InlineData(" ABCDE FGHIJ KLMNO PQRS7 ", "ABCDEFGHIJKLMNOPQRS7")]
    public void What_an_administrator_enters_is_forgiven_dashes_spaces_and_case(string entered, string stored) =>
        Assert.Equal(stored, PersonReference.Parse(entered));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ABCDE-FGHIJ-KLMNO-PQRS")]
    [InlineData("ABCDE-FGHIJ-KLMNO-PQRST-U")]
    [InlineData("198112189876ABCDEFGH")]
    [InlineData("ABCDE-FGHIJ-KLMNO-PQRS1")]
    public void Anything_else_is_no_reference(string? entered) => Assert.Null(PersonReference.Parse(entered));

    [Theory]
    [InlineData("ABCDEFGHIJKLMNOPQRST")]
    [InlineData("abcde-fghij klmno-pqrst ")]
    public void A_reference_reads_in_groups_of_five(string reference) =>
        Assert.Equal("ABCDE-FGHIJ-KLMNO-PQRST", PersonReference.Format(reference));
}
