using MudBlazor;

namespace Exchange.Web.Hosting;

/// <summary>
/// MudBlazor's default palette with the status colours darkened: its default error, warning, info and
/// success colours are too light for text on white and on their own tinted alert backgrounds (WCAG 2.1
/// AA asks 4.5:1; axe-core found the default red failing). These reach at least 4.5:1 on white.
/// </summary>
public static class AccessibleTheme
{
    public static MudTheme Light { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1e3a5f",
            Secondary = "#5b2a86",
            Error = "#b3261e",
            Warning = "#7a4a00",
            Info = "#0b5cad",
            Success = "#1b5e20",
        },
    };
}
