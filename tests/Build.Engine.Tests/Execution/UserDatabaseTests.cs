using Build.Engine.Errors;
using Build.Engine.Execution;

namespace Build.Engine.Tests.Execution;

public sealed class UserDatabaseTests
{
    private const string Passwd = "root:x:0:0:root:/root:/bin/sh\n# comment\napp:x:1000:1000:app user:/home/app:/bin/sh\nbroken line\nsvc:x:999:999::/srv:/bin/false\n";
    private const string Group = "root:x:0:\nstaff:x:50:app,svc\napp:x:1000:\nwheel:x:10: app \ndocker:x:998:svc\n";
    private static readonly UserDatabase Db = UserDatabase.Parse(Passwd, Group);

    [Fact]
    public void Empty_user_is_root_with_roots_groups()
    {
        var u = Db.Resolve("");
        Assert.Equal((0u, 0u, "/root"), (u.Uid, u.Gid, u.Home));
        Assert.Empty(u.AdditionalGids);
    }

    [Fact]
    public void Name_resolves_uid_gid_home_and_supplementary_groups()
    {
        var u = Db.Resolve("app");
        Assert.Equal((1000u, 1000u, "/home/app"), (u.Uid, u.Gid, u.Home));
        Assert.Equal([50u, 10u], u.AdditionalGids.ToArray());
    }

    [Fact]
    public void Numeric_uid_in_passwd_uses_its_entry()
    {
        var u = Db.Resolve("999");
        Assert.Equal((999u, 999u, "/srv"), (u.Uid, u.Gid, u.Home));
        Assert.Equal([50u, 998u], u.AdditionalGids.ToArray());
    }

    [Fact]
    public void Explicit_group_replaces_primary_and_drops_supplementary_groups()
    {
        var byName = Db.Resolve("app:docker");
        var byId = Db.Resolve("app:4000");
        Assert.Equal((1000u, 998u), (byName.Uid, byName.Gid));
        Assert.Empty(byName.AdditionalGids);
        Assert.Equal(4000u, byId.Gid);
    }

    [Fact]
    public void Numeric_ids_work_without_the_files()
    {
        var u = UserDatabase.Empty.Resolve("1234:5678");
        Assert.Equal((1234u, 5678u), (u.Uid, u.Gid));
        Assert.Equal(0u, UserDatabase.Empty.Resolve("1234").Gid);
    }

    [Fact]
    public void Unknown_names_are_errors_naming_them()
    {
        var user = Assert.Throws<BuildException>(() => Db.Resolve("ghost"));
        var group = Assert.Throws<BuildException>(() => Db.Resolve("app:ghosts"));
        Assert.Contains("ghost", user.Message, StringComparison.Ordinal);
        Assert.Contains("ghosts", group.Message, StringComparison.Ordinal);
    }
}
