namespace Exchange.Web.Hosting;

/// <summary>The web app's own settings (section <c>Web</c>).</summary>
public sealed class WebOptions
{
    public const string Section = "Web";

    /// <summary>
    /// How long a person may be inactive before being logged out: the session cookie's sliding
    /// expiration, and inside a live circuit the time since the last input from the browser.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);
}
