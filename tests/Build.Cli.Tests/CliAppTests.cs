namespace Build.Cli.Tests;

public class CliAppTests
{
    [Fact]
    public void Unknown_option_is_a_usage_error_with_one_line_message()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(["--no-such-flag"], stdout, stderr);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("--no-such-flag", stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Help_lists_the_program()
    {
        var stdout = new StringWriter();
        int code = CliApp.Run(["--help"], stdout, new StringWriter());
        Assert.Equal(0, code);
        Assert.Contains("builder", stdout.ToString(), StringComparison.Ordinal);
    }
}
