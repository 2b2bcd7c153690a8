using Exchange.Server.Configuration;

namespace Exchange.Server.People;

public static class PeopleExtensions
{
    /// <summary>
    /// People in the exchange: the token exchange that turns a person's ID token into a token of their
    /// authority, and the members of each authority with their roles.
    /// </summary>
    public static WebApplicationBuilder AddExchangePeople(this WebApplicationBuilder builder)
    {
        var options = builder.AddValidatedOptions<PeopleOptions>(PeopleOptions.Section);
        if (options.Enabled && (!Uri.TryCreate(options.Issuer, UriKind.Absolute, out var issuer)
            || (issuer.Scheme != Uri.UriSchemeHttps && !builder.Environment.IsDevelopment())))
        {
            throw new InvalidOperationException("Exchange:People:Issuer must be the identity provider's absolute https URL, e.g. https://idp.example.se/.");
        }
        if (options.Enabled && string.IsNullOrWhiteSpace(options.ReferenceKey) && !builder.Environment.IsDevelopment())
        {
            // Checked here, so that the server refuses to start rather than the first login.
            throw new InvalidOperationException(PersonReferences.KeyRequired);
        }
        builder.Services.AddSingleton<PersonReferences>();
        builder.Services.AddSingleton<IdTokenValidator>();
        builder.Services.AddScoped<PersonSubjectTokenHandler>();
        builder.Services.AddScoped<PersonTokens>();
        builder.Services.AddScoped<MemberAdministration>();
        return builder;
    }
}
