using Build.Engine.Caching;
using Build.Engine.Graph;
using Build.Engine.Oci;

namespace Build.Engine.Tests.Caching;

public class CacheKeysTests
{
    private static readonly StepInputs Inputs = new("image:sha256:base", "linux/amd64", new HashSet<string> { "VERSION" },
        new Dictionary<string, string>(), new Dictionary<string, string>());

    private static ExecOp Run(string cmd, string version = "1", string proxy = "http://proxy:3128", params Mount[] mounts) => new(
        ((IEnumerable<string>)["/bin/sh", "-c", cmd]).ToValueList(),
        ((IEnumerable<KeyValue>)[new KeyValue("PATH", "/bin"), new KeyValue("VERSION", version)]).ToValueList(),
        "root", "/app", NetworkMode.Default, SecurityMode.Sandbox,
        ((IEnumerable<Mount>)mounts).ToValueList(),
        ((IEnumerable<KeyValue>)[new KeyValue("HTTP_PROXY", proxy)]).ToValueList());

    private static CopyOp Copy(bool link, string? chown = null) => new(
        SourceRef.Context, ((IEnumerable<string>)["/src"]).ToValueList(), ValueList<string>.Empty, ValueList<string>.Empty,
        ValueList<InlineFile>.Empty, "/app/", chown, null, link, false, ValueList<string>.Empty, false, false, false, null, false);

    [Fact]
    public void Equal_steps_have_equal_keys_and_any_relevant_change_differs()
    {
        var k = CacheKeys.Compute(Run("make"), Inputs).Key;
        Assert.Equal(k, CacheKeys.Compute(Run("make"), Inputs).Key);
        Assert.NotEqual(k, CacheKeys.Compute(Run("make all"), Inputs).Key);
        Assert.NotEqual(k, CacheKeys.Compute(Run("make", version: "2"), Inputs).Key);
        Assert.NotEqual(k, CacheKeys.Compute(Run("make"), Inputs with { Parent = "image:sha256:other" }).Key);
        Assert.NotEqual(k, CacheKeys.Compute(Run("make"), Inputs with { Platform = "linux/arm64" }).Key);
    }

    [Fact]
    public void Proxy_variables_do_not_enter_the_key()
    {
        Assert.Equal(CacheKeys.Compute(Run("make", proxy: "http://a"), Inputs).Key, CacheKeys.Compute(Run("make", proxy: "http://b"), Inputs).Key);
    }

    [Fact]
    public void Build_args_are_named_as_args_so_misses_say_ARG()
    {
        var (_, pre) = CacheKeys.Compute(Run("make"), Inputs);
        Assert.Equal("1", pre["arg:VERSION"]);
        Assert.Equal("/bin", pre["env:PATH"]);
        var previous = new CacheRecord(CacheKeys.Compute(Run("make", version: "0"), Inputs).Key, "s", CacheKeys.Compute(Run("make", version: "0"), Inputs).Preimage, null, TimeSpan.Zero, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        var change = Assert.Single(CacheExplainer.Explain(pre, null, previous));
        Assert.Equal(CacheChangeKind.ArgChanged, change.Kind);
        Assert.Equal("VERSION", change.Subject);
    }

    [Fact]
    public void Secret_mounts_contribute_their_id_never_a_value()
    {
        var withSecret = Run("make", mounts: new SecretMount("/run/secrets/token", "token", null, true, 0x100, 0, 0));
        var (_, pre) = CacheKeys.Compute(withSecret, Inputs);
        var mount = pre["mount:secret:token"];
        Assert.NotNull(mount);
        Assert.Contains("id=token", mount, StringComparison.Ordinal);
    }

    [Fact]
    public void File_digests_and_sources_are_components()
    {
        var inputs = Inputs with
        {
            Sources = new Dictionary<string, string> { ["stage:1"] = "sha256:s1" },
            FileDigests = new Dictionary<string, string> { ["files"] = "sha256:f1" },
        };
        var a = CacheKeys.Compute(Copy(false), inputs).Key;
        Assert.NotEqual(a, CacheKeys.Compute(Copy(false), inputs with { FileDigests = new Dictionary<string, string> { ["files"] = "sha256:f2" } }).Key);
        Assert.NotEqual(a, CacheKeys.Compute(Copy(false), inputs with { Sources = new Dictionary<string, string> { ["stage:1"] = "sha256:s2" } }).Key);
    }

    [Fact]
    public void Copy_link_is_independent_of_the_parent_unless_chown_uses_names()
    {
        Assert.Equal(CacheKeys.Compute(Copy(true), Inputs).Key, CacheKeys.Compute(Copy(true), Inputs with { Parent = "x" }).Key);
        Assert.NotEqual(CacheKeys.Compute(Copy(false), Inputs).Key, CacheKeys.Compute(Copy(false), Inputs with { Parent = "x" }).Key);
        Assert.Equal(CacheKeys.Compute(Copy(true, "1000:1000"), Inputs).Key, CacheKeys.Compute(Copy(true, "1000:1000"), Inputs with { Parent = "x" }).Key);
        Assert.NotEqual(CacheKeys.Compute(Copy(true, "app"), Inputs).Key, CacheKeys.Compute(Copy(true, "app"), Inputs with { Parent = "x" }).Key);
    }
}
