using System.Text;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Tests.Oci;

public class ModelJsonTests
{
    // A config as Docker writes it, with fields we do not model (container, docker_version,
    // container_config) and a vendor field inside "config".
    private const string DockerConfig = """
        {"architecture":"amd64","config":{"Hostname":"","User":"app","ExposedPorts":{"8080/tcp":{},"53/udp":{}},"Env":["PATH=/bin"],"Cmd":["sh"],"Healthcheck":{"Test":["CMD-SHELL","true"],"Interval":30000000000,"Retries":3},"Volumes":{"/data":{}},"WorkingDir":"/app","Labels":{"b":"2","a":"1"},"OnBuild":null,"Shell":["/bin/sh","-c"]},"container":"abc","container_config":{"Cmd":["x"]},"created":"2024-03-01T12:34:56.123456789Z","docker_version":"20.10.24","history":[{"created":"2024-03-01T12:34:56Z","created_by":"ADD file:1 in /"},{"created_by":"CMD [\"sh\"]","empty_layer":true}],"os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"]}}
        """;

    [Fact]
    public void Config_fields_parse_into_the_typed_model()
    {
        var c = OciJson.ReadConfig(Encoding.UTF8.GetBytes(DockerConfig), "test");
        Assert.Equal("amd64", c.Architecture);
        Assert.Equal("app", c.Config!.User);
        Assert.Equal(["53/udp", "8080/tcp"], c.Config.ExposedPorts);
        Assert.Equal(TimeSpan.FromSeconds(30), c.Config.Healthcheck!.Interval);
        Assert.Equal(3, c.Config.Healthcheck.Retries);
        Assert.Equal(["/data"], c.Config.Volumes);
        Assert.Equal("1", c.Config.Labels!["a"]);
        Assert.True(c.History![1].EmptyLayer);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 12, 34, 56, TimeSpan.Zero).AddTicks(1234567), c.Created);
        Assert.Single(c.RootFs.DiffIds);
    }

    [Fact]
    public void Unknown_fields_survive_a_rewrite()
    {
        var c = OciJson.ReadConfig(Encoding.UTF8.GetBytes(DockerConfig), "test");
        var rewritten = OciJson.Serialize(c with { Author = "me" });
        var again = OciJson.ReadConfig(rewritten, "again");
        Assert.Equal("abc", again.Extra!["container"].GetString());
        Assert.Equal("20.10.24", again.Extra["docker_version"].GetString());
        Assert.True(again.Extra.ContainsKey("container_config"));
        Assert.Equal("", again.Config!.Extra!["Hostname"].GetString());
        Assert.Equal("me", again.Author);
        Assert.Equal(c with { Author = "me" }, again);
    }

    [Fact]
    public void Records_parsed_from_the_same_bytes_are_equal_and_serialize_identically()
    {
        byte[] raw = Encoding.UTF8.GetBytes(DockerConfig);
        var a = OciJson.ReadConfig(raw, "a");
        var b = OciJson.ReadConfig(raw, "b");
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(OciJson.Serialize(a), OciJson.Serialize(b));
        Assert.NotEqual(a, a with { Config = a.Config! with { Env = ["PATH=/usr/bin"] } });
    }

    [Fact]
    public void Serialization_is_compact_with_sorted_maps_and_go_style_values()
    {
        var c = new ImageConfig
        {
            Architecture = "arm64",
            OS = "linux",
            Created = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)),
            Config = new ContainerConfig
            {
                Labels = new Dictionary<string, string> { ["z"] = "1", ["a"] = "2" },
                ExposedPorts = ["80/tcp"],
                Healthcheck = new HealthConfig { Timeout = TimeSpan.FromMilliseconds(1500) },
            },
        };
        string json = Encoding.UTF8.GetString(OciJson.Serialize(c));
        Assert.DoesNotContain("\n", json, StringComparison.Ordinal);
        Assert.Contains("\"created\":\"2024-01-02T01:04:05Z\"", json, StringComparison.Ordinal);
        Assert.Contains("\"Labels\":{\"a\":\"2\",\"z\":\"1\"}", json, StringComparison.Ordinal);
        Assert.Contains("\"ExposedPorts\":{\"80/tcp\":{}}", json, StringComparison.Ordinal);
        Assert.Contains("\"Timeout\":1500000000", json, StringComparison.Ordinal);
        Assert.Contains("\"diff_ids\":[]", json, StringComparison.Ordinal);
        Assert.DoesNotContain("null", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_media_types_are_not_escaped_and_unknown_fields_round_trip()
    {
        string json = """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","size":0},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","size":0,"annotations":{"k":"v"},"x-vendor":{"n":1}}],"annotations":{"org.opencontainers.image.created":"now"}}""";
        var m = OciJson.ReadManifest(Encoding.UTF8.GetBytes(json), "m");
        Assert.Equal(json, Encoding.UTF8.GetString(OciJson.Serialize(m)));
        Assert.Equal(ManifestKind.Manifest, OciJson.DetectKind(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void A_bad_digest_is_an_invalid_image_error_naming_the_source()
    {
        string json = """{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:nothex","size":0},"layers":[]}""";
        var e = Assert.Throws<BuildException>(() => OciJson.ReadManifest(Encoding.UTF8.GetBytes(json), "blobs/sha256/abc"));
        Assert.Equal(ErrorCode.InvalidImage, e.Code);
        Assert.StartsWith("blobs/sha256/abc: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("linux/amd64", "linux", "amd64", null)]
    [InlineData("linux/arm64/v8", "linux", "arm64", "v8")]
    [InlineData("linux/aarch64", "linux", "arm64", null)]
    [InlineData("linux/x86_64", "linux", "amd64", null)]
    [InlineData("linux/armhf", "linux", "arm", "v7")]
    [InlineData("Linux/ARM/7", "linux", "arm", "v7")]
    public void Platform_parse_normalizes(string text, string os, string arch, string? variant)
    {
        var p = Platform.Parse(text);
        Assert.Equal((os, arch, variant), (p.OS, p.Architecture, p.Variant));
    }

    [Theory]
    [InlineData("")]
    [InlineData("linux//amd64")]
    [InlineData("a/b/c/d")]
    public void Platform_parse_rejects_malformed(string text) =>
        Assert.Equal(ErrorCode.InvalidArgument, Assert.Throws<BuildException>(() => Platform.Parse(text)).Code);

    [Fact]
    public void Host_platform_is_linux()
    {
        Assert.Equal("linux", Platform.Host.OS);
        Assert.Equal(Platform.Host, Platform.ForArchitecture(System.Runtime.InteropServices.RuntimeInformation.OSArchitecture));
        Assert.Equal("linux/arm64/v8", Platform.ForArchitecture(System.Runtime.InteropServices.Architecture.Arm64).ToString());
    }
}
