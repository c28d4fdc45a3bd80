using Build.Engine.Caching;

namespace Build.Engine.Tests.Caching;

public class CacheExplainerTests
{
    private static CacheKeyPreimage P(params (string, string)[] c) => new(c.Select(x => KeyValuePair.Create(x.Item1, x.Item2)));

    private static CacheRecord Record(CacheKeyPreimage p, IReadOnlyDictionary<string, string>? files = null) =>
        new(p.ComputeKey(), "Dockerfile#0#1", p, null, TimeSpan.FromSeconds(1), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch) { Files = files };

    [Fact]
    public void Without_a_previous_record_the_reason_says_so()
    {
        var changes = CacheExplainer.Explain(P(("cmd", "x")), null, null);
        Assert.Equal(CacheChangeKind.NoPreviousRecord, Assert.Single(changes).Kind);
    }

    [Fact]
    public void Names_the_changed_arg_with_old_and_new_values()
    {
        var before = Record(P(("cmd", "make"), ("arg:VERSION", "1"), ("parent", "p1")));
        var changes = CacheExplainer.Explain(P(("cmd", "make"), ("arg:VERSION", "2"), ("parent", "p1")), null, before);
        var c = Assert.Single(changes);
        Assert.Equal(CacheChangeKind.ArgChanged, c.Kind);
        Assert.Equal("VERSION", c.Subject);
        Assert.Equal("ARG VERSION changed: \"1\" → \"2\"", c.Describe());
    }

    [Fact]
    public void Names_added_removed_and_changed_files()
    {
        var oldFiles = new Dictionary<string, string> { ["a.txt"] = "sha256:1", ["b.txt"] = "sha256:2", ["c.txt"] = "sha256:3" };
        var newFiles = new Dictionary<string, string> { ["a.txt"] = "sha256:1", ["b.txt"] = "sha256:9", ["d.txt"] = "sha256:4" };
        var before = Record(P(("files", "sha256:old"), ("parent", "p")), oldFiles);
        var changes = CacheExplainer.Explain(P(("files", "sha256:new"), ("parent", "p")), newFiles, before);
        Assert.Equal(
            ["file b.txt changed", "file c.txt removed", "file d.txt added"],
            changes.Select(c => c.Describe()).ToArray());
    }

    [Fact]
    public void Parent_change_is_reported_only_when_nothing_else_changed()
    {
        var before = Record(P(("cmd", "make"), ("parent", "p1")));
        var onlyParent = CacheExplainer.Explain(P(("cmd", "make"), ("parent", "p2")), null, before);
        Assert.Equal(CacheChangeKind.ParentChanged, Assert.Single(onlyParent).Kind);

        var both = CacheExplainer.Explain(P(("cmd", "make install"), ("parent", "p2")), null, before);
        Assert.Equal(CacheChangeKind.CommandChanged, Assert.Single(both).Kind);
    }

    [Fact]
    public void Classifies_env_base_and_unknown_components()
    {
        var before = Record(P(("env:PATH", "/bin"), ("base", "sha256:a"), ("user", "root")));
        var kinds = CacheExplainer.Explain(P(("env:PATH", "/usr/bin"), ("base", "sha256:b"), ("user", "app")), null, before)
            .Select(c => c.Kind).ToHashSet();
        Assert.Equal([CacheChangeKind.EnvChanged, CacheChangeKind.BaseImageChanged, CacheChangeKind.OtherChanged], kinds);
    }
}
