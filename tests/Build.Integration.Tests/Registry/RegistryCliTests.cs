using Build.Cli;
using Build.Engine.Content;
using Build.Engine.Oci;
using Build.Engine.Registry;

namespace Build.Integration.Tests.Registry;

/// <summary><c>builder login/logout/push/pull</c> end to end against a password-protected registry.</summary>
public sealed class RegistryCliTests : IDisposable
{
    private const string Password = "cli-Pa55word-77";
    private readonly string _dir = Directory.CreateTempSubdirectory("registry-cli").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = CliApp.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [ToolFact("docker-registry", "htpasswd")]
    public async Task Login_push_pull_logout()
    {
        await using var registry = await LocalRegistry.StartAsync(dir => LocalRegistry.HtpasswdAuth(dir, "bob", Password));
        string config = Path.Combine(_dir, "docker");
        string root1 = Path.Combine(_dir, "root1");
        string root2 = Path.Combine(_dir, "root2");

        // An image in root1's content and image stores, named for the registry.
        var layout = new OciLayoutStore(Path.Combine(_dir, "layout"));
        string name = $"{registry.Host}/cli/app:1";
        var image = await TestImages.CreateAsync(layout, "app", Platform.Parse("linux/amd64"), [30_000], seed: 9);
        await TestImages.ImportAsync(layout, image, root1, name);

        var push = Run("push", "--root", root1, "--config", config, name);
        Assert.Equal(1, push.Exit);
        Assert.Equal($"error: unauthorized: authentication required for {name} (check builder login)", push.Err.Trim());

        var wrong = Run("login", "-u", "bob", "-p", "nope", "--config", config, registry.Host);
        Assert.Equal(1, wrong.Exit);
        Assert.Contains("error: unauthorized", wrong.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(config, "config.json")));

        var login = Run("login", "-u", "bob", "-p", Password, "--config", config, registry.Host);
        Assert.Equal(0, login.Exit);
        Assert.Contains("Login Succeeded", login.Out, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(config, "config.json")));
        Assert.DoesNotContain(Password, login.Out + login.Err, StringComparison.Ordinal);

        push = Run("push", "--root", root1, "--config", config, name);
        Assert.True(push.Exit == 0, push.Err);
        Assert.Contains($"1: digest: {image.Digest}", push.Out, StringComparison.Ordinal);

        var pull = Run("pull", "--root", root2, "--config", config, "--platform", "linux/amd64", name);
        Assert.True(pull.Exit == 0, pull.Err);
        Assert.Contains($"Digest: {image.Digest}", pull.Out, StringComparison.Ordinal);
        var root2Store = new ImageStore(new BuilderRoot(root2), new FileContentStore(new BuilderRoot(root2)), TimeProvider.System);
        Assert.Equal(image.Digest, (await root2Store.ResolveAsync(name, CancellationToken.None)).Digest);
        // What was pulled opens as an image from the content store, every blob verified.
        var opened = await root2Store.OpenAsync(name, Platform.Parse("linux/amd64"), CancellationToken.None);
        Assert.Single(opened.Layers);
        var images = Run("--root", root2, "images");
        Assert.Contains("cli/app", images.Out, StringComparison.Ordinal);

        // Push under another name from the same local image.
        var retag = Run("push", "--root", root2, "--config", config, name, $"{registry.Host}/cli/other:2");
        Assert.True(retag.Exit == 0, retag.Err);
        Assert.Contains("mounted from cli/app", retag.Out, StringComparison.Ordinal);

        var logout = Run("logout", "--config", config, registry.Host);
        Assert.Equal(0, logout.Exit);
        Assert.Contains($"Removing login credentials for {registry.Host}", logout.Out, StringComparison.Ordinal);
        Assert.Contains("Not logged in", Run("logout", "--config", config, registry.Host).Out, StringComparison.Ordinal);
        Assert.Equal(1, Run("pull", "--root", root2, "--config", config, name).Exit);
    }

    [Fact]
    public void Bad_references_are_usage_errors_naming_the_reference()
    {
        var r = Run("pull", "--root", _dir, "Upper/Case");
        Assert.Equal(1, r.Exit);
        Assert.Contains("\"Upper/Case\"", r.Err, StringComparison.Ordinal);
        var missing = Run("push", "--root", _dir, "localhost:5999/none:1");
        Assert.Equal(1, missing.Exit);
        Assert.Contains("localhost:5999/none:1", missing.Err, StringComparison.Ordinal);
    }
}
