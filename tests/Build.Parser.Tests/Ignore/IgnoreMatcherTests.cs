using Build.Parser.Ignore;

namespace Build.Parser.Tests.Ignore;

public sealed class IgnoreMatcherTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ignore-test").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Dockerfile_specific_ignore_file_wins_over_the_root_file()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "docker"));
        string dockerfile = Path.Combine(_dir, "docker", "app.Dockerfile");
        File.WriteAllText(dockerfile, "FROM scratch\n");
        Assert.Null(IgnoreFile.Locate(_dir, dockerfile));
        File.WriteAllText(Path.Combine(_dir, ".dockerignore"), "root\n");
        Assert.Equal(Path.Combine(_dir, ".dockerignore"), IgnoreFile.Locate(_dir, dockerfile));
        File.WriteAllText(dockerfile + ".dockerignore", "specific\n");
        Assert.Equal(dockerfile + ".dockerignore", IgnoreFile.Locate(_dir, dockerfile));
    }

    [Fact]
    public async Task Load_compiles_the_chosen_file_and_names_it_in_errors()
    {
        Assert.Same(IgnoreMatcher.Empty, await IgnoreFile.LoadAsync(_dir, null, CancellationToken.None));
        File.WriteAllText(Path.Combine(_dir, ".dockerignore"), "\uFEFF*.log\n!keep.log\r\n");
        IgnoreMatcher m = await IgnoreFile.LoadAsync(_dir, null, CancellationToken.None);
        Assert.True(m.IsIgnored("a.log"));
        Assert.False(m.IsIgnored("keep.log"));
        File.WriteAllText(Path.Combine(_dir, ".dockerignore"), "a[\n");
        var ex = await Assert.ThrowsAsync<IgnorePatternException>(() => IgnoreFile.LoadAsync(_dir, null, CancellationToken.None));
        Assert.Contains(".dockerignore", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "node_modules" }, "node_modules", false)]
    [InlineData(new[] { "node_modules", "!node_modules/keep" }, "node_modules", true)]
    [InlineData(new[] { "node_modules", "!src/keep" }, "node_modules", false)]
    [InlineData(new[] { "build", "!build/*/out.txt" }, "build", true)]
    [InlineData(new[] { "build", "!build/*/out.txt" }, "build/x", true)]
    [InlineData(new[] { "build", "!build/*/out.txt" }, "build/x/y", false)]
    [InlineData(new[] { "build", "!other/*.txt" }, "build", false)]
    [InlineData(new[] { "build", "!**/*.txt" }, "build", true)]
    [InlineData(new[] { "build", "!build/keep/**" }, "build", true)]
    [InlineData(new[] { "build", "!build/keep/**" }, "build/other", false)]
    [InlineData(new[] { "build", "!b[u]ild/x" }, "build", true)]
    public void Pruning_answer_is_conservative_and_exact_for_simple_patterns(string[] patterns, string dir, bool canInclude)
    {
        Assert.Equal(canInclude, IgnoreMatcher.Create(patterns).CanIncludeBelow(dir));
    }

    [Fact]
    public void Parent_excluded_child_included()
    {
        IgnoreMatcher m = IgnoreMatcher.Create(["docs", "!docs/README.md", "*.tmp", "!important.tmp"]);
        Assert.True(m.IsIgnored("docs"));
        Assert.True(m.IsIgnored("docs/a/b.md"));
        Assert.False(m.IsIgnored("docs/README.md"));
        Assert.True(m.IsIgnored("x.tmp"));
        Assert.False(m.IsIgnored("important.tmp"));
        Assert.False(m.IsIgnored("sub/x.tmp"));
        Assert.True(m.HasExclusions);
    }

    [Theory]
    [InlineData("a/b/../c", "a/c")]
    [InlineData("./a//b/", "a/b")]
    [InlineData("../x", "../x")]
    [InlineData("a/../../x", "../x")]
    [InlineData("/../x", "/x")]
    [InlineData("/", "/")]
    [InlineData("", ".")]
    [InlineData(".", ".")]
    [InlineData("abc", "abc")]
    public void Go_path_clean(string input, string expected)
    {
        Assert.Equal(expected, GoPath.Clean(input));
    }

    [Theory]
    [InlineData("*.txt", "a.txt", true)]
    [InlineData("*.txt", "dir/a.txt", false)]
    [InlineData("dir/*", "dir/a", true)]
    [InlineData("d?r/[a-c]*", "dir/b1", true)]
    [InlineData("d?r/[^a-c]*", "dir/b1", false)]
    [InlineData("a\\*", "a*", true)]
    [InlineData("*", "", true)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "axxbyyd", false)]
    public void Go_glob_match(string pattern, string name, bool expected)
    {
        Assert.Equal(expected, GoGlob.Match(pattern, name));
    }

    [Theory]
    [InlineData("[")]
    [InlineData("a[")]
    [InlineData("\\")]
    [InlineData("[]a]")]
    [InlineData("x*[a-b-c]")]
    public void Go_glob_rejects_malformed_patterns(string pattern)
    {
        Assert.False(GoGlob.IsValid(pattern));
        Assert.Throws<IgnorePatternException>(() => GoGlob.Match(pattern, "abc"));
    }
}
