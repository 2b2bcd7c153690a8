using System.Text;

namespace Exchange.Admin.Tests;

/// <summary>'population import' checks SCB's file before anything is sent: a file with problems imports nothing.</summary>
public class PopulationCommandTests
{
    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await AdminApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task A_file_with_problems_lists_each_by_line_and_exits_before_connecting()
    {
        var file = Path.GetTempFileName();
        // A credential that does not exist: the file is refused before the tool looks for one.
        var credential = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.json");
        try
        {
            await File.WriteAllBytesAsync(file, Encoding.Latin1.GetBytes("\"Folkmängd efter region och år\"\n\"region\";\"2023\";\"2024\"\n\"2281 Sundsvall\";99535;..\n\"Sundsvall\";1;2\n\"2260 Ånge\";9261;9133\n"));

            var (code, output, error) = await Run("population", "import", file, "--source", "SCB", "--credential", credential);

            Assert.Equal(ExitCodes.Usage, code);
            Assert.Empty(output);
            var name = Path.GetFileName(file);
            Assert.Contains($"{name}:3: 2281 2024: no figure", error);
            Assert.Contains($"{name}:4: The region does not start with", error);
            Assert.Contains("has 2 problems; nothing was imported", error);
            Assert.DoesNotContain(credential, error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_file_without_a_header_says_so()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "just some text\n");
            var (code, _, error) = await Run("population", "import", file, "--source", "SCB");
            Assert.Equal(ExitCodes.Usage, code);
            Assert.Contains("No header line found", error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_missing_file_is_a_command_line_error_naming_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.csv");
        var (code, _, error) = await Run("population", "import", missing, "--source", "SCB");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"cannot read {missing}", error);
    }

    [Fact]
    public async Task A_good_file_goes_on_to_the_server_which_needs_a_credential()
    {
        var file = Path.GetTempFileName();
        var credential = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.json");
        try
        {
            await File.WriteAllTextAsync(file, "region,2024\n2281 Sundsvall,99828\n");
            var (code, _, error) = await Run("population", "import", file, "--source", "SCB", "--credential", credential);
            Assert.Equal(ExitCodes.NotConnected, code);
            Assert.Contains(credential, error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("--source", "population", "import", "x.csv")]
    [InlineData("--from must be a whole number from 2000 to 2100 (got '1999')", "population", "list", "--from", "1999")]
    public async Task Wrong_command_lines_exit_2(string says, params string[] args)
    {
        var (code, _, error) = await Run(args);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(says, error);
    }
}
