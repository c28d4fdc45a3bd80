using Build.Engine.Caching;
using Build.Engine.Errors;
using Build.Parser.Ignore;

namespace Build.Engine.Tests.Caching;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SourceSelectorTests : IDisposable
{
    private readonly TempContext _c = new();

    public SourceSelectorTests()
    {
        _c.File("a.txt", "a").File("b.txt", "b").File("c.md", "c")
            .File("src/main.go", "package main").File("src/util/u.go", "package util").File("src/notes.txt", "n")
            .File("docs/README.md", "r").File("docs/internal/x.md", "x")
            .Link("alias.txt", "a.txt").Link("srclink", "src");
    }

    public void Dispose() => _c.Dispose();

    private IReadOnlyList<SelectedEntry> Select(CopySources spec, params string[] ignore) =>
        new SourceSelector(new BuildContext(_c.Root, IgnoreMatcher.Create(ignore))).Select(spec);

    private static string[] Targets(IReadOnlyList<SelectedEntry> s) => [.. s.Select(e => e.TargetPath)];

    [Fact]
    public void A_file_source_is_named_by_its_base_name()
    {
        Assert.Equal(["main.go"], Targets(Select(new CopySources(["src/main.go"]))));
        Assert.Equal(["main.go"], Targets(Select(new CopySources(["/src/./main.go"]))));
    }

    [Fact]
    public void A_directory_source_copies_its_contents()
    {
        IReadOnlyList<SelectedEntry> s = Select(new CopySources(["src"]));
        Assert.Equal([".", "main.go", "notes.txt", "util", "util/u.go"], Targets(s));
        Assert.Equal("src/util/u.go", s[^1].Source.Path);
    }

    [Fact]
    public void Wildcards_use_go_filepath_match_in_any_component()
    {
        Assert.Equal(["a.txt", "alias.txt", "b.txt"], Targets(Select(new CopySources(["*.txt"]))));
        Assert.Equal(["a.txt", "b.txt"], Targets(Select(new CopySources(["[ab].txt"]))));
        // "srclink" matches "s*" too and, like Go's Glob, is followed as a directory.
        IReadOnlyList<SelectedEntry> both = Select(new CopySources(["s*/*.go"]));
        Assert.Equal(["main.go", "main.go"], Targets(both));
        Assert.All(both, e => Assert.Equal("src/main.go", e.Source.Path));
        Assert.Equal(["u.go"], Targets(Select(new CopySources(["src/*/u.go"]))));
    }

    [Fact]
    public void A_wildcard_without_matches_selects_nothing()
    {
        Assert.Empty(Select(new CopySources(["*.none"])));
    }

    [Fact]
    public void A_named_symlink_is_followed_inside_the_context()
    {
        SelectedEntry e = Assert.Single(Select(new CopySources(["alias.txt"])));
        Assert.Equal("alias.txt", e.TargetPath);
        Assert.Equal("a.txt", e.Source.Path);
        Assert.Equal(ContextEntryType.File, e.Source.Type);
        Assert.Contains(Select(new CopySources(["srclink/util"])), x => x.TargetPath == "u.go");
    }

    [Fact]
    public void Exclude_patterns_apply_relative_to_each_source()
    {
        Assert.Equal([".", "main.go", "util", "util/u.go"], Targets(Select(new CopySources(["src"], ["*.txt"]))));
        Assert.Equal([".", "main.go", "notes.txt"], Targets(Select(new CopySources(["src"], ["util"]))));
        Assert.Equal(["a.txt", "alias.txt"], Targets(Select(new CopySources(["*.txt"], ["b.txt"]))));
        Assert.Equal([".", "main.go", "util", "util/u.go"], Targets(Select(new CopySources(["src"], ["**/*.txt", "!**/*.go"]))));
    }

    [Fact]
    public void Parents_keep_the_source_path_from_the_root_or_the_pivot()
    {
        Assert.Equal(["src", "src/util", "src/util/u.go"], Targets(Select(new CopySources(["src/util/u.go"], Parents: true))));
        Assert.Equal(["util", "util/u.go"], Targets(Select(new CopySources(["src/./util/u.go"], Parents: true))));
        Assert.Equal(["docs", "docs/internal", "docs/internal/x.md"], Targets(Select(new CopySources(["docs/internal"], Parents: true))));
    }

    [Fact]
    public void Dockerignore_hides_files_and_keeps_reincluded_children()
    {
        Assert.Equal([".", "README.md"], Targets(Select(new CopySources(["docs"]), "docs", "!docs/README.md")));
        var ex = Assert.Throws<BuildException>(() => Select(new CopySources(["docs/internal/x.md"]), "docs", "!docs/README.md"));
        Assert.Equal(ErrorCode.NotFound, ex.Code);
        Assert.Contains(".dockerignore", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["b.txt"], Targets(Select(new CopySources(["*.txt"]), "a*")));
    }

    [Fact]
    public void A_missing_source_names_the_path()
    {
        var ex = Assert.Throws<BuildException>(() => Select(new CopySources(["nope.txt"])));
        Assert.Equal(ErrorCode.NotFound, ex.Code);
        Assert.Contains("nope.txt", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("src/../../outside")]
    public void Parent_paths_outside_the_context_are_refused(string source)
    {
        var ex = Assert.Throws<BuildException>(() => Select(new CopySources([source])));
        Assert.Equal(ErrorCode.UnsafePath, ex.Code);
        Assert.Contains(source, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("up", "../secret")]
    [InlineData("deep/up", "../../secret")]
    [InlineData("abs", "/etc/passwd")]
    [InlineData("dirup", "..")]
    public void Symlinks_leading_out_of_the_context_are_refused(string link, string target)
    {
        File.WriteAllText(Path.Combine(_c.Parent, "secret"), "host");
        _c.Link(link, target);
        var ex = Assert.Throws<BuildException>(() => Select(new CopySources([link == "dirup" ? "dirup/secret" : link])));
        Assert.Equal(ErrorCode.UnsafePath, ex.Code);
        Assert.Contains("outside the build context", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_whole_context_walk_never_leaves_the_root()
    {
        _c.Link("up", "../");
        IReadOnlyList<ContextEntry> all = ContextWalker.Walk(new BuildContext(_c.Root, IgnoreMatcher.Empty));
        ContextEntry up = Assert.Single(all, e => e.Path == "up");
        Assert.Equal(ContextEntryType.Symlink, up.Type);
        Assert.DoesNotContain(all, e => e.Path.StartsWith("up/", StringComparison.Ordinal));
    }

    [Fact]
    public void Walker_prunes_excluded_directories_but_keeps_reincluded_entries()
    {
        var ctx = new BuildContext(_c.Root, IgnoreMatcher.Create(["src", "docs", "!docs/internal/x.md", "*.txt"]));
        string[] paths = [.. ContextWalker.Walk(ctx).Select(e => e.Path)];
        Assert.Equal(["c.md", "docs", "docs/internal", "docs/internal/x.md", "srclink"], paths);
    }

    [Fact]
    public void A_backslash_escapes_a_wildcard_character()
    {
        _c.File("a*b", "star").File("axb", "x");
        SelectedEntry e = Assert.Single(Select(new CopySources(["a\\*b"])));
        Assert.Equal("a*b", e.Source.Path);
        Assert.Equal(2, Select(new CopySources(["a*b"])).Count);
    }
}
