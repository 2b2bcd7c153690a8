namespace Exchange.EndToEndTests;

public static class Errors
{
    /// <summary>An exception's message and those of its causes: a host that fails to start wraps the reason.</summary>
    public static string AllMessages(Exception e) => e.InnerException is null ? e.Message : $"{e.Message} {AllMessages(e.InnerException)}";
}
