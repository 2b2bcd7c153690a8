namespace Exchange.Web.Hosting;

/// <summary>
/// Security headers on every response, and <c>Cache-Control: no-store</c> on every response that is not
/// a static file: a page may show personal data, and no browser or proxy cache may keep it.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next, string contentSecurityPolicy)
{
    private static readonly string[] StaticPrefixes = ["/_content/", "/_framework/"];
    private static readonly HashSet<string> StaticExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".css", ".js", ".mjs", ".map", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".webp", ".woff", ".woff2", ".ttf",
    };

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = contentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        if (!IsStaticAsset(context.Request.Path))
        {
            headers.CacheControl = "no-store";
            headers.Pragma = "no-cache";
            // Set again when the response starts: a component or handler further on must not weaken it.
            context.Response.OnStarting(static state =>
            {
                var h = ((HttpContext)state).Response.Headers;
                h.CacheControl = "no-store";
                h.Pragma = "no-cache";
                return Task.CompletedTask;
            }, context);
        }
        return next(context);
    }

    /// <summary>A framework or library file, or a file of wwwroot: never personal data.</summary>
    public static bool IsStaticAsset(PathString path)
    {
        var value = path.Value ?? "";
        return StaticPrefixes.Any(p => value.StartsWith(p, StringComparison.OrdinalIgnoreCase))
            || StaticExtensions.Contains(Path.GetExtension(value));
    }
}
