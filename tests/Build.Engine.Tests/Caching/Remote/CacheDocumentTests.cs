using System.Text;
using System.Text.Json.Nodes;
using Build.Engine.Caching;
using Build.Engine.Caching.Remote;
using Build.Engine.Content;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Tests.Caching.Remote;

public sealed class CacheDocumentTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cache-doc").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CacheRecord Record(string cmd, string parent, byte[]? layer = null)
    {
        var preimage = new CacheKeyPreimage([KeyValuePair.Create("op", "RUN"), KeyValuePair.Create("cmd", cmd), KeyValuePair.Create("parent", parent)]);
        CachedLayer? l = layer is null ? null : new CachedLayer(Digest.Compute(layer), Digest.Compute(Encoding.UTF8.GetBytes("diff " + cmd)), layer.Length, MediaTypes.OciLayerGzip);
        var created = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        return new CacheRecord(preimage.ComputeKey(), "Dockerfile#0#1#RUN", preimage, l, TimeSpan.FromMilliseconds(1500), created, created);
    }

    [Fact]
    public void Config_round_trips_records_and_is_canonical()
    {
        var a = Record("make", "scratch:linux/amd64", [1, 2, 3]);
        var b = Record("true", a.Key.ToString());
        byte[] one = CacheDocument.WriteConfig([a, b]);
        byte[] two = CacheDocument.WriteConfig([b, a]);
        Assert.Equal(one, two); // order-independent bytes: the same records always give the same digest

        var (records, rejected) = CacheDocument.ReadConfig(one, "test");
        Assert.Equal(0, rejected);
        var read = records.ToDictionary(r => r.Key);
        Assert.Equal(a.Preimage, read[a.Key].Preimage);
        Assert.Equal(a.Layer, read[a.Key].Layer);
        Assert.Null(read[b.Key].Layer);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), read[a.Key].Duration);
        Assert.Equal(a.Created, read[a.Key].Created);
        Assert.Equal(a.StepIdentity, read[a.Key].StepIdentity);
    }

    [Fact]
    public void A_record_whose_key_does_not_match_its_preimage_is_rejected()
    {
        var a = Record("make", "p", [1]);
        var b = Record("test", "p", [2]);
        var doc = JsonNode.Parse(CacheDocument.WriteConfig([a, b]))!;
        // Point the first record's preimage at another command: its key no longer names it.
        doc["records"]![0]!["preimage"]!["cmd"] = "rm -rf /";
        doc["records"]![1]!["layer"]!["digest"] = "not-a-digest";
        var (records, rejected) = CacheDocument.ReadConfig(Encoding.UTF8.GetBytes(doc.ToJsonString()), "test");
        Assert.Empty(records);
        Assert.Equal(2, rejected);
    }

    [Fact]
    public void Unknown_versions_and_foreign_manifests_are_clear_errors()
    {
        var e = Assert.Throws<BuildException>(() => CacheDocument.ReadConfig("{\"version\":9,\"records\":[]}"u8, "reg/cache:x"));
        Assert.Contains("format version 9", e.Message, StringComparison.Ordinal);
        var image = """{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":2},"layers":[]}""";
        e = Assert.Throws<BuildException>(() => CacheDocument.ReadManifest(Encoding.UTF8.GetBytes(image), "reg/app:1"));
        Assert.Equal("reg/app:1 is not a builder cache (its config is application/vnd.oci.image.config.v1+json, expected application/vnd.builder.cache.config.v1+json)", e.Message);
    }

    [Fact]
    public void Merge_keeps_the_union_and_existing_records_win()
    {
        var shared = Record("make", "p", [1]);
        var mine = shared with { Layer = shared.Layer! with { Size = 99 } };
        var other = Record("lint", "p", [2]);
        var merged = CacheDocument.Merge([shared], [mine, other]);
        Assert.Equal(2, merged.Count);
        Assert.Equal(1, merged.Single(r => r.Key == shared.Key).Layer!.Size);
    }

    [Fact]
    public async Task Layout_cache_merges_and_fetches_layers_lazily_with_verification()
    {
        var store = new FileContentStore(Path.Combine(_dir, "blobs"));
        byte[] l1 = [1, 2, 3, 4];
        byte[] l2 = [5, 6, 7];
        await store.WriteAsync(l1, null, CancellationToken.None);
        await store.WriteAsync(l2, null, CancellationToken.None);
        var a = Record("a", "p", l1);
        var b = Record("b", "p", l2);
        var location = new LayoutCacheLocation(Path.Combine(_dir, "cache"), "main");
        Assert.Null(await location.ReadAsync(CancellationToken.None));

        await RemoteCache.ExportAsync(new RemoteCacheSpec(RemoteCacheType.Local, location.Directory, Tag: "main"), [a], store, () => throw new InvalidOperationException(), CancellationToken.None);
        await RemoteCache.ExportAsync(new RemoteCacheSpec(RemoteCacheType.Local, location.Directory, Tag: "main"), [b], store, () => throw new InvalidOperationException(), CancellationToken.None);
        var snapshot = await location.ReadAsync(CancellationToken.None);
        Assert.Equal(new[] { a.Key, b.Key }.OrderBy(k => k.ToString()), snapshot!.Records.Select(r => r.Key).OrderBy(k => k.ToString()));
        Assert.Equal(2, snapshot.Records.Count);

        // A fresh store sees both layers as present, but holds neither until one is read.
        var fresh = new FileContentStore(Path.Combine(_dir, "fresh"));
        var lazy = new LazyContentStore(fresh, [new ImportedCache(location, snapshot.Records)]);
        Assert.True(await lazy.ExistsAsync(a.Layer!.Digest, CancellationToken.None));
        Assert.False(await fresh.ExistsAsync(a.Layer.Digest, CancellationToken.None));
        Assert.Equal(l1, await lazy.ReadAllAsync(a.Layer.Digest, CancellationToken.None));
        Assert.Equal(1, lazy.FetchedCount);
        Assert.False(await fresh.ExistsAsync(b.Layer!.Digest, CancellationToken.None));

        // A damaged blob in the layout fails naming the digest and stores nothing.
        File.WriteAllBytes(Path.Combine(location.Directory, "blobs", "sha256", b.Layer.Digest.Hex), [9, 9, 9]);
        var e = await Assert.ThrowsAsync<BuildException>(() => lazy.ReadAllAsync(b.Layer.Digest, CancellationToken.None));
        Assert.Equal(ErrorCode.DigestMismatch, e.Code);
        Assert.False(await fresh.ExistsAsync(b.Layer.Digest, CancellationToken.None));
    }
}
