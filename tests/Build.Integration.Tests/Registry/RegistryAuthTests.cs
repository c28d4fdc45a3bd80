using Build.Engine.Content;
using System.Collections.Concurrent;
using System.Text;
using Build.Engine.Errors;
using Build.Engine.Oci;
using Build.Engine.Registry;

namespace Build.Integration.Tests.Registry;

/// <summary>Basic (htpasswd) and bearer-token authentication against the real registry.</summary>
public sealed class RegistryAuthTests : IDisposable
{
    private const string User = "ci-user";
    private const string Password = "S3cr3t-Pa55-9f1c";
    private static readonly Platform Amd64 = Platform.Parse("linux/amd64");

    private readonly string _dir = Directory.CreateTempSubdirectory("registry-auth").FullName;
    private readonly ConcurrentQueue<string> _log = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private RegistryClient Client(string? password) => new(new RegistryClientOptions
    {
        Log = _log.Enqueue,
        Retry = new RetryPolicy { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(10) },
        Credentials = _ => password is null ? null : new RegistryCredential(User, password),
    });

    private async Task<(OciLayoutStore Store, RemoteDescriptor Image)> ImageAsync()
    {
        var store = new OciLayoutStore(Path.Combine(_dir, "src"));
        return (store, await TestImages.CreateAsync(store, "app", Amd64, [10_000], seed: 42));
    }

    /// <summary>Runs push and pull with right, wrong and no credentials; returns every message and log line produced.</summary>
    private async Task<List<string>> ExerciseAsync(LocalRegistry registry)
    {
        var (store, image) = await ImageAsync();
        var target = ImageReference.Parse($"{registry.Host}/private/app:1");
        var texts = new List<string>();

        using (var good = Client(Password))
        {
            Assert.Equal(image.Digest, await new RegistryPusher(good).PushAsync(target, store, image, CancellationToken.None));
            var pulled = await new RegistryPuller(good).PullAsync(target, Amd64, new OciLayoutStore(Path.Combine(_dir, "dest")), CancellationToken.None);
            Assert.Equal(image.Digest, pulled.Manifest.Digest);
            await good.VerifyCredentialAsync(registry.Host, new RegistryCredential(User, Password), CancellationToken.None);
        }

        using (var wrong = Client("wrong-" + Password))
        {
            var e = await Assert.ThrowsAsync<BuildException>(() =>
                new RegistryPuller(wrong).PullAsync(target, Amd64, new OciLayoutStore(Path.Combine(_dir, "d2")), CancellationToken.None));
            Assert.Equal(ErrorCode.Unauthorized, e.Code);
            Assert.StartsWith("unauthorized:", e.Message, StringComparison.Ordinal);
            Assert.Contains(registry.Host, e.Message, StringComparison.Ordinal);
            Assert.Contains("builder login", e.Message, StringComparison.Ordinal);
            texts.Add(e.Message);
            texts.Add(e.ToString());

            var login = await Assert.ThrowsAsync<BuildException>(() =>
                wrong.VerifyCredentialAsync(registry.Host, new RegistryCredential(User, "wrong-" + Password), CancellationToken.None));
            Assert.Equal(ErrorCode.Unauthorized, login.Code);
            texts.Add(login.Message);
        }

        using (var anonymous = Client(null))
        {
            var e = await Assert.ThrowsAsync<BuildException>(() => new RegistryPusher(anonymous).PushAsync(target, store, image, CancellationToken.None));
            Assert.Equal(ErrorCode.Unauthorized, e.Code);
            Assert.Equal($"unauthorized: authentication required for {registry.Host}/private/app:1 (check builder login)", e.Message);
            texts.Add(e.Message);
        }
        texts.AddRange(_log);
        return texts;
    }

    private static void AssertNoSecrets(IEnumerable<string> texts, IEnumerable<string> extraSecrets)
    {
        string[] secrets =
        [
            Password,
            Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + Password)),
            Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":wrong-" + Password)),
            .. extraSecrets,
        ];
        foreach (string text in texts)
        {
            foreach (string secret in secrets)
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [ToolFact("docker-registry", "htpasswd")]
    public async Task Basic_auth_registry_accepts_the_right_password_and_rejects_a_wrong_one_clearly()
    {
        await using var registry = await LocalRegistry.StartAsync(dir => LocalRegistry.HtpasswdAuth(dir, User, Password));
        using (var probe = Client(null))
            Assert.True((await probe.PingAsync(registry.Host, CancellationToken.None))!.IsBasic);
        var texts = await ExerciseAsync(registry);
        AssertNoSecrets(texts, []);
    }

    [ToolFact("docker-registry")]
    public async Task Token_auth_registry_works_through_the_bearer_flow()
    {
        await using var tokens = new TokenServer(User, Password);
        await using var registry = await LocalRegistry.StartAsync(tokens.AuthYaml);
        using (var probe = Client(null))
        {
            var challenge = await probe.PingAsync(registry.Host, CancellationToken.None);
            Assert.True(challenge!.IsBearer);
            Assert.Equal(tokens.Realm, challenge.Realm);
            Assert.Equal(TokenServer.Service, challenge.Service);
        }
        var texts = await ExerciseAsync(registry);
        Assert.NotEmpty(tokens.IssuedTokens);
        AssertNoSecrets(texts, tokens.IssuedTokens);
    }

    [ToolFact("docker-registry")]
    public async Task Tokens_are_cached_per_scope()
    {
        await using var tokens = new TokenServer(User, Password);
        await using var registry = await LocalRegistry.StartAsync(tokens.AuthYaml);
        var (store, image) = await ImageAsync();
        using var client = Client(Password);
        var target = ImageReference.Parse($"{registry.Host}/cached/app:1");
        await new RegistryPusher(client).PushAsync(target, store, image, CancellationToken.None);
        int afterPush = tokens.Requests;
        // A push needs a pull scope (HEAD) and a pull,push scope: at most one token each.
        Assert.InRange(afterPush, 1, 2);
        for (int i = 0; i < 3; i++)
            await new RegistryPuller(client).PullAsync(target, Amd64, new OciLayoutStore(Path.Combine(_dir, "d" + i)), CancellationToken.None);
        Assert.Equal(afterPush, tokens.Requests);
    }
}
