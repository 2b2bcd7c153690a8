namespace Exchange.DevIdp;

/// <summary>The Swedish personnummer as the ID token carries it (the claim name is the Swedish OIDC profile's, oidc.se).</summary>
public static class PersonalIdentityNumber
{
    public const string ClaimType = "https://id.oidc.se/claim/personalIdentityNumber";

    /// <summary>12 digits, YYYYMMDDNNNC, whose last digit is the Luhn check digit over the 10 digits from YYMMDD on.</summary>
    public static bool IsValid(string? value)
    {
        if (value is not { Length: 12 } || !value.All(char.IsAsciiDigit))
        {
            return false;
        }
        var sum = 0;
        for (var i = 2; i < 11; i++)
        {
            var product = (value[i] - '0') * (i % 2 == 0 ? 2 : 1);
            sum += product / 10 + product % 10;
        }
        return (10 - sum % 10) % 10 == value[11] - '0';
    }
}
