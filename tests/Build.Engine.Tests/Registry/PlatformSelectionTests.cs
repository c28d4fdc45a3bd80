using System.Text;
using Build.Engine.Errors;
using Build.Engine.Oci;
using Build.Engine.Registry;

namespace Build.Engine.Tests.Registry;

public class PlatformSelectionTests
{
    private static string D(char c) => "sha256:" + new string(c, 64);

    private static readonly string Index = $$$"""
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{D('a')}}}","size":10,"platform":{"os":"linux","architecture":"amd64"}},
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{D('b')}}}","size":11,"platform":{"os":"linux","architecture":"arm64","variant":"v8"}},
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{D('c')}}}","size":12,"platform":{"os":"linux","architecture":"arm","variant":"v6"}},
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{D('d')}}}","size":13,"platform":{"os":"linux","architecture":"arm","variant":"v5"}},
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{D('e')}}}","size":14,"platform":{"os":"unknown","architecture":"unknown"}},
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{D('f')}}}","size":15,"platform":{"os":"windows","architecture":"amd64"}}
        ]}
        """;

    private static string Select(string platform) =>
        ManifestReader.SelectPlatform(ManifestReader.ReadIndex(Encoding.UTF8.GetBytes(Index), "test"), Platform.Parse(platform), "test").Digest.ToString();

    [Theory]
    [InlineData("linux/amd64", 'a')]
    [InlineData("linux/x86_64", 'a')]
    [InlineData("linux/arm64", 'b')]       // variant v8 is arm64's default
    [InlineData("linux/aarch64", 'b')]
    [InlineData("linux/arm64/v8", 'b')]
    [InlineData("linux/arm/v7", 'c')]      // v7 runs v6 and v5; the newest wins
    [InlineData("linux/arm/v6", 'c')]
    [InlineData("linux/armel", 'c')]
    [InlineData("linux/arm/v5", 'd')]
    [InlineData("windows/amd64", 'f')]
    public void Selects_the_best_manifest(string platform, char expected) => Assert.Equal(D(expected), Select(platform));

    [Fact]
    public void Missing_platform_names_what_is_available()
    {
        var e = Assert.Throws<BuildException>(() => Select("linux/s390x"));
        Assert.Equal(ErrorCode.NotFound, e.Code);
        Assert.Contains("linux/s390x", e.Message, StringComparison.Ordinal);
        Assert.Contains("linux/arm64/v8", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("unknown/unknown", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("linux/aarch64", "linux/arm64/v8")]
    [InlineData("linux/arm64/8", "linux/arm64/v8")]
    [InlineData("linux/armhf", "linux/arm/v7")]
    [InlineData("linux/arm", "linux/arm/v7")]
    [InlineData("linux/x86-64", "linux/amd64")]
    [InlineData("linux/i386", "linux/386")]
    [InlineData("Linux/AMD64", "linux/amd64")]
    public void Normalizes_like_containerd(string given, string normalized) =>
        Assert.Equal(normalized, PlatformMatcher.Describe(Platform.Parse(given)));

    [Theory]
    [InlineData("linux/")]
    [InlineData("a/b/c/d")]
    public void Rejects_malformed_platforms(string text) =>
        Assert.Throws<BuildException>(() => Platform.Parse(text));
}
