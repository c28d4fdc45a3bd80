using Build.Engine.Content;
using Build.Engine.Errors;

namespace Build.Engine.Tests.Content;

public class ImageReferenceStoreNameTests
{
    [Theory]
    [InlineData("busybox", "busybox:latest", "docker.io/library/busybox:latest")]
    [InlineData("library/busybox:1", "busybox:1", "docker.io/library/busybox:1")]
    [InlineData("docker.io/library/busybox", "busybox:latest", "docker.io/library/busybox:latest")]
    [InlineData("index.docker.io/me/app:v2", "me/app:v2", "docker.io/me/app:v2")]
    [InlineData("localhost:5000/app", "localhost:5000/app:latest", "localhost:5000/app:latest")]
    [InlineData("ghcr.io/o/r/sub:t-1.2", "ghcr.io/o/r/sub:t-1.2", "ghcr.io/o/r/sub:t-1.2")]
    public void Names_normalize_like_docker(string text, string familiar, string canonical)
    {
        var n = ImageReference.Parse(text);
        Assert.Equal(familiar, n.FamiliarName);
        Assert.Equal(canonical, n.ToString());
    }

    [Fact]
    public void A_digest_reference_has_no_default_tag()
    {
        var n = ImageReference.Parse("busybox@sha256:" + new string('a', 64));
        Assert.Null(n.Tag);
        Assert.NotNull(n.Digest);
    }

    [Theory]
    [InlineData("")]
    [InlineData("UPPER")]
    [InlineData("a:b:c")]
    [InlineData("x@sha256:zz")]
    [InlineData("bad//path")]
    public void Malformed_names_are_rejected(string text) =>
        Assert.Equal(ErrorCode.InvalidArgument, Assert.Throws<BuildException>(() => ImageReference.Parse(text)).Code);
}
