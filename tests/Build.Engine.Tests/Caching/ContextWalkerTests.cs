using Build.Engine.Caching;
using Build.Parser.Ignore;

namespace Build.Engine.Tests.Caching;

/// <summary>The context walk reads directories through open file descriptors; it must see what a path-based lstat sees.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ContextWalkerTests : IDisposable
{
    private readonly TempContext _c = new();

    public void Dispose() => _c.Dispose();

    [Fact]
    public void A_large_directory_is_read_completely_in_name_order()
    {
        // Long names make the listing span several getdents batches.
        var expected = new List<string>();
        for (int i = 0; i < 1500; i++)
        {
            string name = $"{i % 97:D2}-{new string('n', 60)}-{i}";
            _c.File("big/" + name, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            expected.Add("big/" + name);
        }
        expected.Sort(StringComparer.Ordinal);
        var walked = ContextWalker.Walk(new BuildContext(_c.Root, IgnoreMatcher.Empty));
        Assert.Equal(["big", .. expected], walked.Select(e => e.Path));
    }

    [Fact]
    public void Entries_carry_the_same_stat_data_and_link_targets_as_a_path_lstat()
    {
        _c.File("a/f.txt", "hello", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute)
            .File("a/b/g", "x")
            .Link("a/l", "b/g")
            .Link("a/abs", "/etc/passwd")
            .Dir("empty");
        var ctx = new BuildContext(_c.Root, IgnoreMatcher.Empty);
        var walked = ContextWalker.Walk(ctx);
        Assert.Equal(["a", "a/abs", "a/b", "a/b/g", "a/f.txt", "a/l", "empty"], walked.Select(e => e.Path));
        foreach (var e in walked)
            Assert.Equal(ctx.LStat(e.Path), e);
        Assert.Equal("/etc/passwd", walked.Single(e => e.Path == "a/abs").LinkTarget);
        Assert.Equal(ContextEntryType.Symlink, walked.Single(e => e.Path == "a/l").Type);
        Assert.Equal(0x1C0, walked.Single(e => e.Path == "a/f.txt").Mode);
    }

    [Fact]
    public void A_symlinked_directory_is_not_entered()
    {
        _c.File("real/inside.txt", "x").Link("alias", "real");
        var walked = ContextWalker.Walk(new BuildContext(_c.Root, IgnoreMatcher.Empty));
        Assert.Equal(["alias", "real", "real/inside.txt"], walked.Select(e => e.Path));
    }

    [Fact]
    public void Walking_a_subdirectory_lists_only_below_it()
    {
        _c.File("x/y/z.txt", "1").File("x/w.txt", "2").File("top.txt", "3");
        var walked = ContextWalker.Walk(new BuildContext(_c.Root, IgnoreMatcher.Empty), "x");
        Assert.Equal(["x/w.txt", "x/y", "x/y/z.txt"], walked.Select(e => e.Path));
    }
}
