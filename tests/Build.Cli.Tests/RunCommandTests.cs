using Build.Cli.Commands;
using Build.Engine.Errors;

namespace Build.Cli.Tests;

public sealed class RunCommandTests
{
    [Theory]
    [InlineData("512m", 512L << 20)]
    [InlineData("1g", 1L << 30)]
    [InlineData("64K", 64L << 10)]
    [InlineData("1000", 1000L)]
    [InlineData("10b", 10L)]
    public void Memory_sizes_parse_like_docker(string text, long bytes)
    {
        Assert.Equal(bytes, RunCommand.ParseBytes(text));
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("-5m")]
    [InlineData("1.5g")]
    public void Bad_memory_sizes_name_the_flag(string text)
    {
        var e = Assert.Throws<BuildException>(() => RunCommand.ParseBytes(text));
        Assert.Contains("--memory " + text, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_without_image_is_a_one_line_error()
    {
        var stderr = new StringWriter();
        var root = Path.Combine(Path.GetTempPath(), "builder-cli-run-" + Guid.NewGuid().ToString("N"));
        try
        {
            var code = CliApp.Run(["--root", root, "run"], new StringWriter(), stderr);
            Assert.Equal(CliApp.Failure, code);
            Assert.Equal("error: builder run: an IMAGE is required", stderr.ToString().Trim());
        }
        finally
        {
            if (Directory.Exists(root))
                Directory.Delete(root, recursive: true);
        }
    }
}
