using Build.Engine.Caching;

namespace Build.Engine.Tests.Caching;

public class CacheKeyPreimageTests
{
    private static CacheKeyPreimage P(params (string, string)[] c) => new(c.Select(x => KeyValuePair.Create(x.Item1, x.Item2)));

    [Fact]
    public void Key_does_not_depend_on_component_order()
    {
        Assert.Equal(P(("cmd", "make"), ("parent", "x")).ComputeKey(), P(("parent", "x"), ("cmd", "make")).ComputeKey());
    }

    [Fact]
    public void Any_component_change_changes_the_key()
    {
        var baseline = P(("cmd", "make"), ("env:A", "1")).ComputeKey();
        Assert.NotEqual(baseline, P(("cmd", "make "), ("env:A", "1")).ComputeKey());
        Assert.NotEqual(baseline, P(("cmd", "make"), ("env:A", "2")).ComputeKey());
        Assert.NotEqual(baseline, P(("cmd", "make"), ("env:B", "1")).ComputeKey());
        Assert.NotEqual(baseline, P(("cmd", "make")).ComputeKey());
    }

    [Fact]
    public void Encoding_is_unambiguous_when_values_contain_separators()
    {
        // With naive "name=value;" joining these two would collide.
        var a = P(("a", "1;b=2"));
        var b = P(("a", "1"), ("b", "2"));
        Assert.NotEqual(a.ComputeKey(), b.ComputeKey());
        var c = P(("ab", "c"));
        var d = P(("a", "bc"));
        Assert.NotEqual(c.ComputeKey(), d.ComputeKey());
    }

    [Fact]
    public void Scheme_version_is_part_of_the_key()
    {
        var comps = new[] { KeyValuePair.Create("cmd", "make") };
        Assert.NotEqual(new CacheKeyPreimage(comps, 1).ComputeKey(), new CacheKeyPreimage(comps, 2).ComputeKey());
    }

    [Fact]
    public void Duplicate_component_names_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => P(("cmd", "a"), ("cmd", "b")));
    }
}
