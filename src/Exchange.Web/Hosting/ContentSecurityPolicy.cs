namespace Exchange.Web.Hosting;

/// <summary>The Content-Security-Policy of every response.</summary>
public static class ContentSecurityPolicy
{
    /// <summary>
    /// Scripts from this origin only (blazor.web.js, MudBlazor.min.js; no inline script, so no import map).
    /// Inline styles are allowed because MudBlazor sets style attributes on its components. connect-src
    /// 'self' covers the circuit's WebSocket (ws/wss on the same host and port count as 'self' in CSP 3).
    /// Forms may post here and to the identity provider: the logout form's post ends in a redirect to
    /// the provider's end-session endpoint, which form-action governs too.
    /// </summary>
    public static string For(Uri? identityProvider)
    {
        var formAction = identityProvider is null ? "'self'" : $"'self' {Origin(identityProvider)}";
        return string.Join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "object-src 'none'",
            $"form-action {formAction}");
    }

    /// <summary>scheme://host[:port] of an address, without path.</summary>
    public static string Origin(Uri address) => address.GetLeftPart(UriPartial.Authority);
}
