using Exchange.Web.People;

namespace Exchange.Web.Tests;

public sealed class PersonReferenceTests
{
    [Fact]
    public void A_reference_is_shown_in_groups_of_five()
    {
        Assert.Equal("ABCDE-FGHIJ-KLMNO-PQRST", PersonReference.Format("ABCDEFGHIJKLMNOPQRST"));
    }

    [Fact]
    public void A_pasted_reference_with_dashes_spaces_and_lower_case_is_normalised()
    {
        Assert.Equal("ABCDEFGHIJKLMNOPQRST", PersonReference.Normalise(" abcde-fghij klmno-pqrst "));
        Assert.Equal("ABCDE-FGHIJ-KLMNO-PQRST", PersonReference.Format("abcde-fghij-klmno-pqrst"));
    }
}
