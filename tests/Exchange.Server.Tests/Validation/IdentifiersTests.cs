using Exchange.Server.Validation;

namespace Exchange.Server.Tests.Validation;

public class IdentifiersTests
{
    [Theory]
    [InlineData("2021000076", "2021000076")]
    [InlineData("202100-0076", "2021000076")]
    [InlineData("802400-0005", "8024000005")]
    public void Organisation_number_with_valid_check_digit_is_normalised(string input, string expected) =>
        Assert.Equal(expected, Identifiers.NormaliseOrganisationNumber(input));

    [Theory]
    [InlineData("2021000077")] // wrong check digit
    [InlineData("202100007")] // too short
    [InlineData("20210000761")] // too long
    [InlineData("20210-00076")] // dash in the wrong place
    [InlineData("2O21000076")] // a letter
    [InlineData("1912121212")] // third digit below 2: a personnummer shape, not an organisation
    [InlineData("")]
    [InlineData(null)]
    public void Invalid_organisation_number_is_refused(string? input) =>
        Assert.Null(Identifiers.NormaliseOrganisationNumber(input));

    [Theory]
    [InlineData("2281", true)]
    [InlineData("0180", true)]
    [InlineData("2260", true)]
    [InlineData("2584", true)]
    [InlineData("1181", false)] // 11 is not a county code since 1997
    [InlineData("2299", false)] // county 22 has no kommun 99
    [InlineData("0100", false)]
    [InlineData("228", false)]
    [InlineData("22811", false)]
    [InlineData("22a1", false)]
    public void Municipality_code_names_one_of_the_kommuner(string code, bool valid) =>
        Assert.Equal(valid, Identifiers.IsMunicipalityCode(code));

    [Fact]
    public void There_are_290_kommuner_each_in_its_county()
    {
        var kommuner = Enumerable.Range(0, 10_000).Select(n => n.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)).Where(Identifiers.IsMunicipalityCode).ToList();
        Assert.Equal(290, kommuner.Count);
        Assert.All(kommuner, k => Assert.True(Identifiers.IsCountyCode(k[..2])));
        var byCounty = kommuner.GroupBy(k => k[..2]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(21, byCounty.Count);
        Assert.Equal(26, byCounty["01"]);
        Assert.Equal(33, byCounty["12"]);
        Assert.Equal(49, byCounty["14"]);
        Assert.Equal(7, byCounty["22"]);
    }

    [Theory]
    [InlineData("191212121212", true)]
    [InlineData("191212121213", false)] // check digit
    [InlineData("191213121212", false)] // month 13
    [InlineData("19121212121", false)]
    public void Personnummer_needs_date_and_check_digit(string value, bool valid) =>
        Assert.Equal(valid, Identifiers.IsPersonnummer(value));

    [Fact]
    public void Samordningsnummer_adds_sixty_to_the_day()
    {
        // Born 1912-12-12: day 12 + 60 = 72; the check digit is computed over the last ten digits.
        var body = "19121272121";
        var samordningsnummer = body + CheckDigit(body[2..]);

        Assert.True(Identifiers.IsSamordningsnummer(samordningsnummer));
        Assert.False(Identifiers.IsPersonnummer(samordningsnummer));
        Assert.False(Identifiers.IsSamordningsnummer("191212121212"));
    }

    [Theory]
    [InlineData("sundsvall-kommun", true)]
    [InlineData("ab", false)]
    [InlineData("Sundsvall", false)]
    [InlineData("1abc", false)]
    [InlineData("a_b_c", false)]
    public void Authority_id_is_lower_case_slug(string id, bool valid) => Assert.Equal(valid, Identifiers.IsAuthorityId(id));

    private static char CheckDigit(string nineDigits)
    {
        for (var c = '0'; c <= '9'; c++)
        {
            if (Identifiers.LuhnValid(nineDigits + c))
            {
                return c;
            }
        }
        throw new InvalidOperationException();
    }
}

public class PersonalIdentityInTextTests
{
    [Theory]
    [InlineData("Ärende gäller 19800101-0019")]
    [InlineData("8001010019")]
    [InlineData("person 198001010019 ringde")]
    [InlineData("samordningsnummer 800161-0016")]
    public void Text_holding_a_personnummer_or_samordningsnummer_is_found(string text) =>
        Assert.True(Identifiers.ContainsPersonalIdentityNumber(text));

    [Theory]
    [InlineData("Samverkansavtal 2026-03, dnr 2026/117")]
    [InlineData("org 212000-2411 (Sundsvalls kommun)")]
    [InlineData("ärende 2026-117")]
    [InlineData("19800101-0018")]
    [InlineData("")]
    public void Case_references_organisation_numbers_and_wrong_check_digits_pass(string text) =>
        Assert.False(Identifiers.ContainsPersonalIdentityNumber(text));
}
