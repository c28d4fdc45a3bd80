using System.Text;
using Build.Engine.Errors;
using Build.Engine.Registry;

namespace Build.Engine.Tests.Registry;

public sealed class DockerConfigFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dockercfg").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string json)
    {
        string path = Path.Combine(_dir, "config.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    [Fact]
    public void Reads_base64_auth_and_normalizes_keys()
    {
        var file = new DockerConfigFile(Write($$$"""
            {"auths":{"https://index.docker.io/v1/":{"auth":"{{{B64("hub:pw:with:colons")}}}"},
                      "http://localhost:5000/v2/":{"username":"u","password":"p"},
                      "ghcr.io":{"auth":"{{{B64("x:y")}}}","identitytoken":"refresh"}},
             "credsStore":"desktop"}
            """));
        var hub = file.Find("docker.io");
        Assert.Equal("hub", hub!.Username);
        Assert.Equal("pw:with:colons", hub.Password);
        Assert.Equal(hub, file.Find("registry-1.docker.io"));
        Assert.Equal("u", file.Find("localhost:5000")!.Username);
        Assert.Equal("refresh", file.Find("ghcr.io")!.IdentityToken);
        Assert.Null(file.Find("quay.io"));
    }

    [Fact]
    public void Locates_docker_config_then_home()
    {
        var env = new Dictionary<string, string?> { ["DOCKER_CONFIG"] = "/cfg", ["HOME"] = "/home/u" };
        Assert.Equal("/cfg/config.json", DockerConfigFile.Locate(k => env.GetValueOrDefault(k)).Path);
        env["DOCKER_CONFIG"] = null;
        Assert.Equal("/home/u/.docker/config.json", DockerConfigFile.Locate(k => env.GetValueOrDefault(k)).Path);
    }

    [Fact]
    public async Task Save_keeps_other_fields_writes_0600_and_logout_removes()
    {
        string path = Write("""{"auths":{"other.io":{"auth":"b3RoZXI6cHc="}},"proxies":{"default":{"httpProxy":"x"}}}""");
        var file = new DockerConfigFile(path);
        await file.SaveAsync("localhost:5000", new RegistryCredential("me", "secret"), CancellationToken.None);
        await file.SaveAsync("docker.io", new RegistryCredential("hub", "pw"), CancellationToken.None);

        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        string text = File.ReadAllText(path);
        Assert.Contains("proxies", text, StringComparison.Ordinal);
        Assert.Contains(DockerConfigFile.DockerHubKey, text, StringComparison.Ordinal);
        Assert.Equal(new RegistryCredential("me", "secret"), file.Find("localhost:5000"));
        Assert.Equal("other", file.Find("other.io")!.Username);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));

        Assert.True(await file.RemoveAsync("localhost:5000", CancellationToken.None));
        Assert.False(await file.RemoveAsync("localhost:5000", CancellationToken.None));
        Assert.Null(file.Find("localhost:5000"));
        Assert.Equal("hub", file.Find("docker.io")!.Username);
    }

    [Fact]
    public void Bad_auth_value_names_the_file_but_not_the_secret()
    {
        string path = Write("""{"auths":{"r.io":{"auth":"%%not-base64-SECRETVALUE"}}}""");
        var e = Assert.Throws<BuildException>(() => new DockerConfigFile(path).Find("r.io"));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETVALUE", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Credential_tostring_hides_the_password()
    {
        var c = new RegistryCredential("alice", "hunter2", "tok-123");
        Assert.DoesNotContain("hunter2", c.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("tok-123", c.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", $"{c}", StringComparison.Ordinal);
    }
}
