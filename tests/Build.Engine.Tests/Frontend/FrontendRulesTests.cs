using Build.Engine.Frontend;

namespace Build.Engine.Tests.Frontend;

public class FrontendRulesTests
{
    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(30_000_000_000L, "30s")]
    [InlineData(90_000_000_000L, "1m30s")]
    [InlineData(3_600_000_000_000L, "1h0m0s")]
    [InlineData(1_500_000_000L, "1.5s")]
    [InlineData(500_000_000L, "500ms")]
    [InlineData(1_500L, "1.5µs")]
    [InlineData(999L, "999ns")]
    public void Go_duration_format(long ns, string expected) => Assert.Equal(expected, GoFormat.Duration(ns));

    [Fact]
    public void Go_quote_escapes_like_strconv_Quote()
    {
        Assert.Equal("\"a \\\"b\\\" \\\\ c\\n\\t\\x01\"", GoFormat.Quote("a \"b\" \\ c\n\t\u0001"));
        Assert.Equal("\"héllo\"", GoFormat.Quote("héllo"));
        Assert.Equal("[\"/bin/sh\" \"-c\" \"echo hi\"]", GoFormat.QuoteList(["/bin/sh", "-c", "echo hi"]));
        Assert.Equal("[/bin/bash -c]", GoFormat.List(["/bin/bash", "-c"]));
    }

    [Theory]
    [InlineData("linux/amd64", "linux/amd64")]
    [InlineData("linux/x86_64", "linux/amd64")]
    [InlineData("linux/aarch64", "linux/arm64")]
    [InlineData("linux/arm64/v8", "linux/arm64")]
    [InlineData("linux/arm", "linux/arm/v7")]
    [InlineData("LINUX/ARM/v6", "linux/arm/v6")]
    [InlineData("arm64", "linux/arm64")]
    public void Platforms_normalise_like_containerd(string input, string expected)
    {
        Assert.True(PlatformSpec.TryParse(input, out var p));
        Assert.Equal(expected, p.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("linux//amd64")]
    [InlineData("a/b/c/d")]
    [InlineData("linux/amd 64")]
    public void Bad_platforms_are_rejected(string input) => Assert.False(PlatformSpec.TryParse(input, out _));

    [Theory]
    [InlineData("alpine", "docker.io/library/alpine:latest")]
    [InlineData("alpine:3.20", "docker.io/library/alpine:3.20")]
    [InlineData("library/alpine", "docker.io/library/alpine:latest")]
    [InlineData("user/app:v1", "docker.io/user/app:v1")]
    [InlineData("ghcr.io/org/app", "ghcr.io/org/app:latest")]
    [InlineData("localhost:5000/app:dev", "localhost:5000/app:dev")]
    [InlineData("localhost/app", "localhost/app:latest")]
    [InlineData("busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "docker.io/library/busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void Image_references_normalise_like_docker(string input, string expected)
    {
        Assert.Equal(expected, ImageNames.TryNormalize(input, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("Alpine")]
    [InlineData("alpine:")]
    [InlineData("-bad")]
    [InlineData("a b")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void Invalid_image_references_are_rejected(string input)
    {
        Assert.Null(ImageNames.TryNormalize(input, out var error));
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData("", "app", "/app")]
    [InlineData("/", "app", "/app")]
    [InlineData("/opt", "app/../lib", "/opt/lib")]
    [InlineData("/opt", "/srv/./x/", "/srv/x")]
    [InlineData("/a/b", "..", "/a")]
    public void Workdir_resolves_against_the_previous_one(string current, string path, string expected) =>
        Assert.Equal(expected, PathRules.ResolveWorkdir(current, path));

    [Theory]
    [InlineData("/app", ".", "/app/")]
    [InlineData("/app", "", "/app/")]
    [InlineData("/app", "sub/", "/app/sub/")]
    [InlineData("/app", "file.txt", "/app/file.txt")]
    [InlineData("/app", "/abs/dir/", "/abs/dir/")]
    [InlineData("", "x", "/x")]
    [InlineData("/app", "../etc/", "/etc/")]
    public void Copy_destination_resolves_against_workdir_keeping_a_trailing_slash(string workdir, string dest, string expected) =>
        Assert.Equal(expected, PathRules.ResolveDestination(workdir, dest));

    [Theory]
    [InlineData("80", "80/tcp")]
    [InlineData("53/UDP", "53/udp")]
    [InlineData("8000-8002", "8000/tcp,8001/tcp,8002/tcp")]
    [InlineData("127.0.0.1:8080:80", "80/tcp")]
    [InlineData("9/sctp", "9/sctp")]
    public void Expose_ports_parse_like_docker(string spec, string expected)
    {
        Assert.Equal(expected.Split(','), PortSpecs.Parse(spec, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("80/foo")]
    [InlineData("70000")]
    [InlineData("90-80")]
    [InlineData("/tcp")]
    public void Bad_expose_ports_are_rejected(string spec)
    {
        Assert.Empty(PortSpecs.Parse(spec, out var error));
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData("SIGTERM", true)]
    [InlineData("term", true)]
    [InlineData("9", true)]
    [InlineData("SIGRTMIN+3", true)]
    [InlineData("0", false)]
    [InlineData("SIGFOO", false)]
    public void Stop_signals_validate_like_moby(string signal, bool valid) => Assert.Equal(valid, Signals.IsValid(signal));
}
