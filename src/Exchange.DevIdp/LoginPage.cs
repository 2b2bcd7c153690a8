using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Exchange.DevIdp;

/// <summary>
/// The IdP's two pages, in Swedish, as plain HTML: the choice of test person and a signed-out page.
/// Each says in a banner that it is a development login, so nobody takes it for the county's IdP.
/// Written for WCAG 2.1 AA (landmarks, one h1, buttons that say whom they sign in, contrast over 4.5:1).
/// </summary>
internal static class LoginPage
{
    public const string PersonField = "devidp_person";

    // Encodes what HTML needs encoded and leaves å, ä and ö readable.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    private const string Style = """
        body { margin: 0; font-family: system-ui, sans-serif; color: #1b1b1b; background: #ffffff; line-height: 1.5; }
        .banner { background: #ffd23f; color: #1b1b1b; padding: 0.75rem 1rem; font-weight: 700; border-bottom: 3px solid #1b1b1b; }
        .banner p { margin: 0; }
        main { max-width: 44rem; margin: 0 auto; padding: 1rem; }
        ul { list-style: none; padding: 0; }
        li { margin: 0 0 1rem; padding: 0.75rem; border: 1px solid #6b6b6b; border-radius: 0.25rem; }
        button { font: inherit; color: #ffffff; background: #0b4f8a; border: 2px solid #0b4f8a; border-radius: 0.25rem; padding: 0.5rem 1rem; cursor: pointer; }
        button:hover { background: #083a66; }
        button:focus-visible { outline: 3px solid #1b1b1b; outline-offset: 2px; }
        .description { display: block; margin-top: 0.25rem; color: #3b3b3b; }
        .error { color: #a30000; font-weight: 700; }
        """;

    /// <summary>
    /// The list of test persons, each a submit button that continues the authorization request: the form
    /// posts to <paramref name="action"/> (the authorization endpoint) with the request's own parameters in
    /// hidden fields, the antiforgery token, and the chosen subject as the button's value.
    /// </summary>
    public static string Choose(string action, IEnumerable<KeyValuePair<string, string>> parameters, string antiforgeryField, string antiforgeryToken,
        IReadOnlyList<TestPerson> persons, string? clientId, string? error)
    {
        var body = new StringBuilder();
        body.Append("<h1>Välj testperson</h1>\n");
        body.Append("<p>Här loggar du in utan legitimering, som en påhittad person. Välj vem du vill vara");
        if (!string.IsNullOrEmpty(clientId))
        {
            body.Append(" i <strong>").Append(Html.Encode(clientId)).Append("</strong>");
        }
        body.Append(".</p>\n");
        if (error is not null)
        {
            body.Append("<p class=\"error\" role=\"alert\">").Append(Html.Encode(error)).Append("</p>\n");
        }
        body.Append("<form method=\"post\" action=\"").Append(Html.Encode(action)).Append("\">\n");
        body.Append(Hidden(antiforgeryField, antiforgeryToken));
        foreach (var (name, value) in parameters)
        {
            body.Append(Hidden(name, value));
        }
        body.Append("<ul>\n");
        foreach (var (person, i) in persons.Select((p, i) => (p, i)))
        {
            body.Append("<li><button type=\"submit\" name=\"").Append(PersonField).Append("\" value=\"").Append(Html.Encode(person.Subject))
                .Append("\" aria-describedby=\"person-").Append(i).Append("\">Logga in som ").Append(Html.Encode(person.Name)).Append("</button>")
                .Append("<span class=\"description\" id=\"person-").Append(i).Append("\">").Append(Html.Encode(person.Description)).Append("</span></li>\n");
        }
        body.Append("</ul>\n</form>\n");
        return Document("Välj testperson – Exchange utvecklingsinloggning", body.ToString());
    }

    /// <summary>Where a logout without a post_logout_redirect_uri ends.</summary>
    public static string SignedOut() => Document("Utloggad – Exchange utvecklingsinloggning",
        "<h1>Du är utloggad</h1>\n<p>Du är inte längre inloggad i Exchanges utvecklingsinloggning.</p>\n");

    private static string Hidden(string name, string value) =>
        $"<input type=\"hidden\" name=\"{Html.Encode(name)}\" value=\"{Html.Encode(value)}\">\n";

    private static string Document(string title, string main) => $"""
        <!DOCTYPE html>
        <html lang="sv">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{Html.Encode(title)}</title>
        <style>{Style}</style>
        </head>
        <body>
        <header class="banner"><p>Utvecklingsinloggning – endast för test</p></header>
        <main>
        {main}</main>
        </body>
        </html>
        """;
}
