using Build.Engine.Content;
using Build.Engine.Errors;
using Build.Engine.Oci;
using Build.Engine.Registry;

namespace Build.Engine.Tests.Registry;

public class ImageReferenceTests
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("busybox", "docker.io", "library/busybox", "latest", null, "docker.io/library/busybox:latest", "busybox:latest")]
    [InlineData("busybox:1.36", "docker.io", "library/busybox", "1.36", null, "docker.io/library/busybox:1.36", "busybox:1.36")]
    [InlineData("user/app", "docker.io", "user/app", "latest", null, "docker.io/user/app:latest", "user/app:latest")]
    [InlineData("docker.io/busybox", "docker.io", "library/busybox", "latest", null, "docker.io/library/busybox:latest", "busybox:latest")]
    [InlineData("index.docker.io/library/busybox", "docker.io", "library/busybox", "latest", null, "docker.io/library/busybox:latest", "busybox:latest")]
    [InlineData("localhost/app", "localhost", "app", "latest", null, "localhost/app:latest", "localhost/app:latest")]
    [InlineData("localhost:5000/app:v1", "localhost:5000", "app", "v1", null, "localhost:5000/app:v1", "localhost:5000/app:v1")]
    [InlineData("127.0.0.1:5000/a/b/c:t", "127.0.0.1:5000", "a/b/c", "t", null, "127.0.0.1:5000/a/b/c:t", "127.0.0.1:5000/a/b/c:t")]
    [InlineData("ghcr.io/org/tool", "ghcr.io", "org/tool", "latest", null, "ghcr.io/org/tool:latest", "ghcr.io/org/tool:latest")]
    [InlineData("Registry.Example/app", "Registry.Example", "app", "latest", null, "Registry.Example/app:latest", "Registry.Example/app:latest")]
    [InlineData("[::1]:5000/app", "[::1]:5000", "app", "latest", null, "[::1]:5000/app:latest", "[::1]:5000/app:latest")]
    [InlineData("my-registry.local:443/a_b/c__d/e-f/g--h.i", "my-registry.local:443", "a_b/c__d/e-f/g--h.i", "latest", null,
        "my-registry.local:443/a_b/c__d/e-f/g--h.i:latest", "my-registry.local:443/a_b/c__d/e-f/g--h.i:latest")]
    [InlineData("busybox@sha256:" + Hex, "docker.io", "library/busybox", null, "sha256:" + Hex,
        "docker.io/library/busybox@sha256:" + Hex, "busybox@sha256:" + Hex)]
    [InlineData("busybox:1@sha256:" + Hex, "docker.io", "library/busybox", "1", "sha256:" + Hex,
        "docker.io/library/busybox:1@sha256:" + Hex, "busybox:1@sha256:" + Hex)]
    [InlineData("library/library/x", "docker.io", "library/library/x", "latest", null, "docker.io/library/library/x:latest", "library/library/x:latest")]
    [InlineData("app:V_1.0-rc", "docker.io", "library/app", "V_1.0-rc", null, "docker.io/library/app:V_1.0-rc", "app:V_1.0-rc")]
    public void Parses_like_docker(string text, string registry, string repository, string? tag, string? digest, string normalized, string familiar)
    {
        var r = ImageReference.Parse(text);
        Assert.Equal(registry, r.Registry);
        Assert.Equal(repository, r.Repository);
        Assert.Equal(tag, r.Tag);
        Assert.Equal(digest, r.Digest?.ToString());
        Assert.Equal(normalized, r.ToString());
        Assert.Equal(familiar, r.FamiliarName);
        // The normalized form parses back to the same reference.
        Assert.Equal(r, ImageReference.Parse(r.ToString()));
        Assert.Equal(r, ImageReference.Parse(r.FamiliarName));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("Busybox", "lowercase")]
    [InlineData("docker.io/User/app", "lowercase")]
    [InlineData("localhost:5000/App", "lowercase")]
    [InlineData("busybox:", "bad tag")]
    [InlineData("busybox:-x", "bad tag")]
    [InlineData("busybox:a/b", "bad registry host")]
    [InlineData("busybox@sha256:abc", "bad digest")]
    [InlineData("busybox@md5:" + Hex, "bad digest")]
    [InlineData("a..b", "bad repository name")]
    [InlineData("a/-b", "bad repository name")]
    [InlineData("a//b", "bad repository name")]
    [InlineData("a/b/", "bad repository name")]
    [InlineData("-host.io/app", "bad registry host")]
    [InlineData("host.io:port/app", "bad registry host")]
    [InlineData(":tag", "missing repository")]
    [InlineData(Hex, "64-byte hexadecimal")]
    [InlineData("app:é", "bad tag")]
    public void Rejects_invalid_references(string text, string expected)
    {
        var e = Assert.Throws<BuildException>(() => ImageReference.Parse(text));
        Assert.Equal(ErrorCode.InvalidArgument, e.Code);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.False(ImageReference.TryParse(text, out _));
    }

    [Fact]
    public void Tag_longer_than_128_characters_is_rejected()
    {
        Assert.True(ImageReference.TryParse("app:" + new string('a', 128), out _));
        Assert.False(ImageReference.TryParse("app:" + new string('a', 129), out _));
    }

    [Fact]
    public void Name_longer_than_255_characters_is_rejected()
    {
        // "docker.io/" + path: the limit covers the whole name.
        Assert.True(ImageReference.TryParse("x.io/" + new string('a', 250), out _));
        Assert.False(ImageReference.TryParse("x.io/" + new string('a', 251), out _));
    }

    [Fact]
    public void Docker_hub_api_lives_on_registry_1()
    {
        Assert.Equal("registry-1.docker.io", ImageReference.Parse("busybox").ApiHost);
        Assert.Equal("localhost:5000", ImageReference.Parse("localhost:5000/x").ApiHost);
    }

    [Fact]
    public void Manifest_reference_prefers_the_digest()
    {
        var d = Digest.Compute("x"u8);
        Assert.Equal("latest", ImageReference.Parse("busybox").ManifestReference);
        Assert.Equal(d.ToString(), ImageReference.Parse("busybox:1").WithDigest(d).ManifestReference);
        Assert.Null(ImageReference.Parse("busybox:1").AtDigest(d).Tag);
        Assert.Equal("v2", ImageReference.Parse("busybox@" + d).WithTag("v2").Tag);
    }
}
