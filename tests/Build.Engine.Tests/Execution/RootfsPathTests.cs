using Build.Engine.Execution;

namespace Build.Engine.Tests.Execution;

public sealed class RootfsPathTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "rootfspath-" + Guid.NewGuid().ToString("N"));

    public RootfsPathTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "etc"));
        Directory.CreateDirectory(Path.Combine(_root, "usr/lib"));
        File.CreateSymbolicLink(Path.Combine(_root, "lib"), "usr/lib");
        File.CreateSymbolicLink(Path.Combine(_root, "etc/passwd"), "/../../../etc/shadow");
        File.CreateSymbolicLink(Path.Combine(_root, "up"), "../../..");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Relative_links_resolve_inside()
    {
        Assert.Equal(_root + "/usr/lib/x", RootfsPath.Resolve(_root, "/lib/x"));
    }

    [Fact]
    public void Absolute_and_dotdot_links_are_clamped_to_the_root()
    {
        Assert.Equal(_root + "/etc/shadow", RootfsPath.Resolve(_root, "/etc/passwd"));
        Assert.Equal(_root + "/etc", RootfsPath.Resolve(_root, "/up/etc"));
        Assert.Equal(_root + "/etc", RootfsPath.Resolve(_root, "../../etc"));
    }

    [Fact]
    public void Missing_components_are_kept()
    {
        Assert.Equal(_root + "/no/such", RootfsPath.Resolve(_root, "no/such"));
    }
}
