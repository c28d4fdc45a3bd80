using Build.Parser.Parsing;
using Build.Parser.Syntax;
using static Build.Parser.Tests.Parsing.ParseHelpers;

namespace Build.Parser.Tests.Parsing;

public class RunMountTests
{
    private static RunMount Mount(string value)
    {
        var result = RunMountParser.Parse(value);
        Assert.True(result.Success, result.Error);
        return result.Mount!;
    }

    [Fact]
    public void Bind_is_the_default_type_and_read_only_by_default()
    {
        var m = Mount("target=/src,source=app,from=build");
        Assert.Equal(MountType.Bind, m.Type);
        Assert.Equal("/src", m.Target);
        Assert.Equal("app", m.Source);
        Assert.Equal("build", m.From);
        Assert.True(m.ReadOnly);
        Assert.False(Mount("type=bind,dst=/x,rw").ReadOnly);
        Assert.False(Mount("type=bind,destination=/x,readwrite=true").ReadOnly);
    }

    [Fact]
    public void Cache_mount_with_every_option()
    {
        var m = Mount("type=cache,target=/root/.cache,id=go,sharing=locked,mode=0700,uid=1000,gid=1001,from=seed,src=/c,ro");
        Assert.Equal(MountType.Cache, m.Type);
        Assert.Equal("go", m.Id);
        Assert.Equal(CacheSharing.Locked, m.Sharing);
        Assert.Equal(0x1C0u, m.ModeValue);
        Assert.Equal("0700", m.Mode);
        Assert.Equal(1000u, m.UidValue);
        Assert.Equal(1001u, m.GidValue);
        Assert.True(m.ReadOnly);
        Assert.False(Mount("type=cache,target=/c").ReadOnly);
        Assert.Equal(CacheSharing.Shared, Mount("type=cache,target=/c").Sharing);
        Assert.Equal(CacheSharing.Private, Mount("TYPE=cache,Target=/c,SHARING=private").Sharing);
    }

    [Fact]
    public void Secret_ssh_and_tmpfs()
    {
        var secret = Mount("type=secret,id=npm,target=/root/.npmrc,required,mode=0440,env=NPM_TOKEN");
        Assert.Equal(MountType.Secret, secret.Type);
        Assert.Equal("npm", secret.Id);
        Assert.True(secret.Required);
        Assert.Equal("NPM_TOKEN", secret.Env);
        Assert.True(secret.ReadOnly);
        Assert.Null(Mount("type=secret,id=x").Target);
        Assert.Equal("legacy", Mount("type=secret,src=legacy").Id);
        Assert.True(Mount("required=true,type=ssh").Required);
        Assert.False(Mount("type=ssh,required=false").Required);

        var tmpfs = Mount("type=tmpfs,target=/tmp,size=64m");
        Assert.Equal(64L * 1024 * 1024, tmpfs.SizeBytes);
        Assert.False(tmpfs.ReadOnly);
        Assert.Equal(1536L, Mount("type=tmpfs,target=/t,size=1.5k").SizeBytes);
    }

    [Fact]
    public void Csv_quoting_allows_commas_in_values()
    {
        var m = Mount("type=bind,\"target=/a,b\",\"source=x\"\"y\"");
        Assert.Equal("/a,b", m.Target);
        Assert.Equal("x\"y", m.Source);
    }

    [Fact]
    public void Variables_stay_raw_and_are_typed_after_expansion()
    {
        var m = Mount("type=cache,target=$DIR,uid=$UID,from=$STAGE");
        Assert.Equal("$DIR", m.Target);
        Assert.Equal("$UID", m.Uid);
        Assert.Null(m.UidValue);
        Assert.True(m.HasUnresolvedValues);

        var expanded = RunMountParser.Parse(m.Raw, v => v.Replace("$DIR", "/c", StringComparison.Ordinal).Replace("$UID", "42", StringComparison.Ordinal)).Mount!;
        Assert.Equal("/c", expanded.Target);
        Assert.Equal(42u, expanded.UidValue);
        Assert.Equal("$STAGE", expanded.From); // from is never expanded
        Assert.False(expanded.HasUnresolvedValues);
    }

    [Theory]
    [InlineData("type=nfs,target=/x", "unsupported mount type")]
    [InlineData("type=bind", "needs a target")]
    [InlineData("type=cache,target=/x,mode=0999", "invalid mode")]
    [InlineData("type=cache,target=/x,uid=-1", "invalid uid")]
    [InlineData("type=bind,target=/x,mode=0755", "not allowed for bind mounts")]
    [InlineData("type=bind,target=/x,sharing=locked", "not allowed for bind mounts")]
    [InlineData("type=cache,target=/x,sharing=sometimes", "unsupported sharing value")]
    [InlineData("type=bind,target=/x,required", "not allowed for bind mounts")]
    [InlineData("type=secret,id=a,from=x", "not allowed for secret mounts")]
    [InlineData("type=secret,id=a,src=b", "both source and id")]
    [InlineData("type=cache,target=/x,size=1m", "only tmpfs")]
    [InlineData("type=tmpfs,target=/x,size=lots", "invalid tmpfs size")]
    [InlineData("type=bind,target=/x,env=A", "only secret")]
    [InlineData("type=bind,target=/x,bogus=1", "unknown mount option \"bogus\"")]
    [InlineData("type=bind,target=/x,bogus", "must be a key=value pair")]
    [InlineData("type=bind,target=/x,ro=maybe", "expected true or false")]
    [InlineData("type=bind,tar\"get=/x", "invalid mount option syntax")]
    [InlineData("\"type=bind,target=/x", "invalid mount option syntax")]
    public void Invalid_mounts_say_why(string value, string message)
    {
        var result = RunMountParser.Parse(value);
        Assert.False(result.Success);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_collects_repeated_mounts_and_reports_bad_ones_at_the_flag()
    {
        var run = Single<RunInstruction>("RUN --mount=type=cache,target=/a --mount=type=secret,id=s --mount=target=/src go build");
        Assert.Equal([MountType.Cache, MountType.Secret, MountType.Bind], run.Mounts.Select(m => m.Type));

        var error = Error("FROM a\nRUN --network=none --mount=type=cache x");
        Assert.Equal("invalid-mount-option", error.Code);
        Assert.Equal((2, 20), (error.Span.Start.Line, error.Span.Start.Column));
        Assert.Equal("invalid --mount: cache mount needs a target (target=/path)", error.Message);
    }
}
