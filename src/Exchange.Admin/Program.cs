namespace Exchange.Admin;

internal static class Program
{
    public static Task<int> Main(string[] args) => AdminApp.RunAsync(args, Console.Out, Console.Error);
}
