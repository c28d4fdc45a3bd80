namespace Build.Cli.Tests;

public sealed class ParseCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("builder-parse-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string ParserData()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Builder.sln")))
            dir = dir.Parent;
        return Path.Combine(dir!.FullName, "..", "shared", "conformance", "buildkit", "parser");
    }

    [Theory]
    [InlineData("env")]
    [InlineData("flags")]
    [InlineData("escape-with-syntax")]
    public void Dump_prints_the_BuildKit_dump_and_exits_0(string name)
    {
        string dir = Path.Combine(ParserData(), "testfiles", name);

        var (code, stdout, stderr) = Run("parse", "--dump", Path.Combine(dir, "Dockerfile"));

        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "result")), stdout);
    }

    [Fact]
    public void Syntax_error_is_reported_as_file_line_column_message_with_exit_1()
    {
        string file = Path.Combine(_dir, "Dockerfile");
        File.WriteAllText(file, "FROM alpine\nCMD [\"a\", 1]\n");

        var (code, stdout, stderr) = Run("parse", "--dump", file);

        Assert.Equal(CliApp.Failure, code);
        Assert.Equal("", stdout);
        Assert.Equal($"{file}:2:11: when using JSON array syntax, arrays must be comprised of strings only", stderr.TrimEnd());
    }

    [Fact]
    public void Without_dump_semantic_errors_fail_with_a_suggestion()
    {
        string file = Path.Combine(_dir, "Dockerfile");
        File.WriteAllText(file, "FROM alpine\nRUNN echo hi\n");

        var (code, _, stderr) = Run("parse", "-f", file);

        Assert.Equal(CliApp.Failure, code);
        Assert.Equal($"{file}:2:1: unknown instruction: RUNN (did you mean RUN?)", stderr.TrimEnd());
    }

    [Fact]
    public void Valid_file_without_dump_prints_a_summary()
    {
        string file = Path.Combine(_dir, "Dockerfile");
        File.WriteAllText(file, "FROM alpine AS a\nRUN true\nFROM a\n");

        var (code, stdout, stderr) = Run("parse", file);

        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Contains("3 instructions, 2 stages", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_one_line_error()
    {
        var (code, _, stderr) = Run("parse", "--dump", Path.Combine(_dir, "nope"));

        Assert.Equal(CliApp.Failure, code);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
        Assert.Contains("nope: no such file", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }
}
