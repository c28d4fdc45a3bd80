using Build.Engine.Content;
using Build.Engine.Errors;

namespace Build.Engine.Tests.Content;

public class BuilderRootTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] vars) =>
        key => vars.FirstOrDefault(v => v.Key == key).Value;

    [Fact]
    public void The_flag_wins_over_the_environment() =>
        Assert.Equal("/flag", BuilderRoot.Resolve("/flag", Env(("BUILDER_ROOT", "/env")), isPrivileged: true).Path);

    [Fact]
    public void BUILDER_ROOT_wins_over_the_defaults() =>
        Assert.Equal("/env", BuilderRoot.Resolve(null, Env(("BUILDER_ROOT", "/env"), ("HOME", "/home/u")), isPrivileged: false).Path);

    [Fact]
    public void Root_defaults_to_var_lib() =>
        Assert.Equal("/var/lib/builder", BuilderRoot.Resolve(null, Env(("HOME", "/root")), isPrivileged: true).Path);

    [Fact]
    public void Users_default_to_xdg_data_home_then_home()
    {
        Assert.Equal("/x/builder", BuilderRoot.Resolve(null, Env(("XDG_DATA_HOME", "/x"), ("HOME", "/home/u")), isPrivileged: false).Path);
        Assert.Equal("/home/u/.local/share/builder", BuilderRoot.Resolve(null, Env(("HOME", "/home/u")), isPrivileged: false).Path);
        Assert.Equal(ErrorCode.InvalidArgument, Assert.Throws<BuildException>(() => BuilderRoot.Resolve(null, Env(), isPrivileged: false)).Code);
    }

    [Fact]
    public void Store_directories_are_under_the_root()
    {
        var root = new BuilderRoot("/r");
        Assert.Equal("/r/blobs", root.BlobsDirectory);
        Assert.Equal("/r/images", root.ImagesDirectory);
    }
}
