using Build.Cli.Options;
using Build.Engine.Caching.Remote;
using Build.Engine.Errors;
using Build.Engine.Export;

namespace Build.Cli.Tests.Options;

public class CacheSpecsTests
{
    [Fact]
    public void Registry_and_local_specs_parse_like_buildx()
    {
        Assert.Equal(new RemoteCacheSpec(RemoteCacheType.Registry, "127.0.0.1:5000/team/cache:main", CacheExportMode.Max),
            CacheSpecs.Parse("--cache-to", "type=registry,ref=127.0.0.1:5000/team/cache:main,mode=max", export: true));
        Assert.Equal(new RemoteCacheSpec(RemoteCacheType.Registry, "docker.io/library/app:cache"),
            CacheSpecs.Parse("--cache-from", "app:cache", export: false));
        Assert.Equal(new RemoteCacheSpec(RemoteCacheType.Local, "/tmp/c", CacheExportMode.Min, "v2"),
            CacheSpecs.Parse("--cache-to", "type=local,dest=/tmp/c,tag=v2", export: true));
        Assert.Equal(new RemoteCacheSpec(RemoteCacheType.Local, "/tmp/c"),
            CacheSpecs.Parse("--cache-from", "type=local,src=/tmp/c", export: false));
    }

    [Theory]
    [InlineData("--cache-to", "type=registry", true, "--cache-to: type=registry needs ref=")]
    [InlineData("--cache-to", "type=local,src=/x", true, "--cache-to: unknown attribute \"src\" in \"type=local,src=/x\"")]
    [InlineData("--cache-from", "type=local,dest=/x", false, "--cache-from: unknown attribute \"dest\" in \"type=local,dest=/x\"")]
    [InlineData("--cache-to", "type=registry,ref=a,mode=all", true, "--cache-to: invalid mode \"all\" (expected min or max)")]
    [InlineData("--cache-from", "type=gha", false, "--cache-from: unsupported cache type \"gha\" (expected registry or local)")]
    [InlineData("--cache-from", "Bad//Ref", false, "--cache-from: invalid reference format: \"Bad//Ref\"")]
    public void Bad_specs_are_one_line_errors_naming_the_flag(string flag, string text, bool export, string message)
    {
        var e = Assert.Throws<BuildException>(() => CacheSpecs.Parse(flag, text, export));
        Assert.Equal(ErrorCode.InvalidArgument, e.Code);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Registry_output_pushes_without_storing()
    {
        var t = OutputSpec.Parse("type=registry,name=127.0.0.1:5000/a:1", []);
        Assert.Equal(ExportType.Registry, t.Type);
        Assert.True(t.Push);
        var image = OutputSpec.Parse("type=image,name=127.0.0.1:5000/a:1,push=true", []);
        Assert.Equal(ExportType.Image, image.Type);
        Assert.True(image.Push);
        Assert.Equal(["x:1"], OutputSpec.Parse("type=registry", ["x:1"]).Names);
    }
}
