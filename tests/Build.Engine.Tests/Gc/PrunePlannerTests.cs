using Build.Engine.Caching;
using Build.Engine.Gc;
using Build.Engine.Oci;

namespace Build.Engine.Tests.Gc;

public class PrunePlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static CacheRecord Record(string name, double hoursAgo, string? blob, long size = 100)
    {
        var p = new CacheKeyPreimage([KeyValuePair.Create("cmd", name)]);
        var layer = blob is null ? null : new CachedLayer(Digest.Compute(System.Text.Encoding.UTF8.GetBytes(blob)), Digest.Compute(System.Text.Encoding.UTF8.GetBytes("diff" + blob)), size, MediaTypes.OciLayerGzip);
        var used = Now - TimeSpan.FromHours(hoursAgo);
        return new CacheRecord(p.ComputeKey(), "Dockerfile#0#" + name, p, layer, TimeSpan.FromSeconds(1), used - TimeSpan.FromHours(1), used);
    }

    private static Digest Blob(string name) => Digest.Compute(System.Text.Encoding.UTF8.GetBytes(name));

    private static string[] Names(IEnumerable<CacheRecord> rs) => [.. rs.Select(r => r.Preimage["cmd"]!)];

    private static readonly CacheRecord[] Records =
    [
        Record("recent", 1, "b-recent"),
        Record("old", 72, "b-old"),
        Record("image", 100, "b-image"),
        Record("empty", 50, null),
        Record("middle", 30, "b-middle"),
    ];

    [Fact]
    public void Default_prunes_records_no_image_uses_least_recently_used_first()
    {
        var selected = PrunePlanner.Select(Records, new HashSet<Digest> { Blob("b-image") }, new PruneOptions(), Now);
        Assert.Equal(["old", "empty", "middle", "recent"], Names(selected));
    }

    [Fact]
    public void All_prunes_every_record()
    {
        var selected = PrunePlanner.Select(Records, new HashSet<Digest> { Blob("b-image") }, new PruneOptions { All = true }, Now);
        Assert.Equal(["image", "old", "empty", "middle", "recent"], Names(selected));
    }

    [Fact]
    public void Until_keeps_records_used_within_the_duration()
    {
        var selected = PrunePlanner.Select(Records, new HashSet<Digest>(), new PruneOptions { Until = TimeSpan.FromHours(48) }, Now);
        Assert.Equal(["image", "old", "empty"], Names(selected));
    }

    [Fact]
    public void Keep_storage_removes_least_recently_used_until_the_cache_fits()
    {
        // Cache bytes: recent, old, middle = 300 (the image's blob is not the cache's). Keep 150: drop old (200 left), then middle (100).
        var selected = PrunePlanner.Select(Records, new HashSet<Digest> { Blob("b-image") }, new PruneOptions { KeepStorage = 150 }, Now);
        Assert.Equal(["old", "empty", "middle"], Names(selected));
        Assert.Empty(PrunePlanner.Select(Records, new HashSet<Digest>(), new PruneOptions { KeepStorage = 10_000 }, Now));
        Assert.Equal(5, PrunePlanner.Select(Records, new HashSet<Digest>(), new PruneOptions { KeepStorage = 0, All = true }, Now).Count);
    }

    [Fact]
    public void Keep_storage_counts_a_blob_shared_by_two_records_once()
    {
        CacheRecord[] records = [Record("a", 10, "shared", 100), Record("b", 5, "shared", 100), Record("c", 1, "own", 100)];
        // 200 bytes in the cache; removing a frees nothing (b still uses the blob), removing b frees 100.
        var selected = PrunePlanner.Select(records, new HashSet<Digest>(), new PruneOptions { KeepStorage = 150 }, Now);
        Assert.Equal(["a", "b"], Names(selected));
    }

    [Fact]
    public void Until_and_keep_storage_combine()
    {
        var selected = PrunePlanner.Select(Records, new HashSet<Digest>(), new PruneOptions { Until = TimeSpan.FromHours(40), KeepStorage = 300 }, Now);
        Assert.Equal(["image"], Names(selected));
    }
}
