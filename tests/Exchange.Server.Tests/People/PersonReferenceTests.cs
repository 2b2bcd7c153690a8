using Exchange.Contracts;
using Exchange.Server.People;

namespace Exchange.Server.Tests.People;

public class PersonReferenceTests
{
    private static readonly PersonReferences References = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public void A_person_has_one_reference_per_identity_provider()
    {
        var reference = References.Of("https://idp.lvn.se", "kramfors-handlaggare");

        Assert.Equal(PersonReference.Length, reference.Length);
        Assert.Matches("^[A-Z2-7]{20}$", reference);
        Assert.Equal(reference, References.Of("https://idp.lvn.se", "kramfors-handlaggare"));
        Assert.NotEqual(reference, References.Of("https://idp.lvn.se", "kramfors-handlaggare2"));
        Assert.NotEqual(reference, References.Of("https://other-idp.se", "kramfors-handlaggare"));
    }

    [Fact]
    public void Without_the_servers_key_a_personnummer_cannot_be_found_from_its_reference()
    {
        // Anyone can hash every personnummer; only the server's key makes the reference it derives:
        // with another key, the same person gets another reference.
        var reference = References.Of("https://idp.lvn.se", "191212121212");
        var otherKey = new PersonReferences(Enumerable.Range(2, 32).Select(i => (byte)i).ToArray());

        Assert.NotEqual(reference, otherKey.Of("https://idp.lvn.se", "191212121212"));
    }

    [Fact]
    public void A_key_shorter_than_32_bytes_is_refused() =>
        Assert.Throws<InvalidOperationException>(() => new PersonReferences(new byte[16]));

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
