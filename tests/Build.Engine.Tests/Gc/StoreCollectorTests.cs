using Build.Engine.Caching;
using Build.Engine.Content;
using Build.Engine.Gc;
using Build.Engine.Oci;
using Build.Engine.Tests.Content;

namespace Build.Engine.Tests.Gc;

/// <summary>The collector on a real store layout (no kernel features needed: no mounts in these cases).</summary>
public sealed class StoreCollectorTests : IDisposable
{
    private static readonly DateTime LongAgo = DateTime.UtcNow.AddDays(-3);
    private readonly TempDir dir = new();
    private readonly BuilderRoot root;
    private readonly FileContentStore content;
    private readonly ImageStore images;

    public StoreCollectorTests()
    {
        root = new BuilderRoot(dir.Sub("root"));
        (content, images) = TestImages.Store(root.Path);
    }

    public void Dispose() => dir.Dispose();

    private static CancellationToken Ct => CancellationToken.None;

    private async Task<Digest> BlobAsync(string text, bool old = true)
    {
        var b = await content.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), null, Ct);
        if (old)
            File.SetLastWriteTimeUtc(content.PathOf(b.Digest), LongAgo);
        return b.Digest;
    }

    private async Task<CacheRecord> RecordAsync(string cmd, Digest layer, DateTimeOffset? used = null)
    {
        var p = new CacheKeyPreimage([KeyValuePair.Create("op", "RUN"), KeyValuePair.Create("cmd", cmd)]);
        var t = used ?? DateTimeOffset.UtcNow;
        long size = new FileInfo(content.PathOf(layer)).Length;
        var r = new CacheRecord(p.ComputeKey(), "Dockerfile#0#" + cmd, p, new CachedLayer(layer, Digest.Compute(layer.Hex.Select(c => (byte)c).ToArray()), size, MediaTypes.OciLayerGzip),
            TimeSpan.FromSeconds(1), t, t);
        using var cache = SqliteCacheStore.Open(Path.Combine(root.Path, "cache"));
        await cache.PutAsync(r, Ct);
        return r;
    }

    private async Task<IReadOnlyList<CacheRecord>> RecordsAsync()
    {
        using var cache = SqliteCacheStore.Open(Path.Combine(root.Path, "cache"));
        return await cache.ListAsync(Ct);
    }

    private async Task<IImage> StoredImageAsync()
    {
        var image = TestImages.TwoLayers();
        await images.PutImageAsync(image, [ImageReference.Parse("app:1")], Ct);
        foreach (var d in image.Layers.Select(l => l.Digest).Append(image.ConfigDigest()).Append(image.Digest))
            File.SetLastWriteTimeUtc(content.PathOf(d), LongAgo);
        return image;
    }

    private Task<PruneResult> PruneAsync(PruneOptions? options = null) =>
        new StoreCollector(root, TimeProvider.System).PruneAsync(options ?? new PruneOptions(), Ct);

    [Fact]
    public async Task Default_prune_removes_records_no_image_uses_and_their_blobs_and_orphans()
    {
        var image = await StoredImageAsync();
        var imageLayer = image.Layers[0].Digest;
        var dangling = await BlobAsync("dangling layer");
        var orphan = await BlobAsync("orphan from a killed build");
        var keptByImage = await RecordAsync("make base", imageLayer);
        var gone = await RecordAsync("make tmp", dangling);

        var result = await PruneAsync();

        Assert.Equal([gone.Key], result.Records.Select(r => r.Key));
        Assert.Equal(2, result.Blobs.Count);
        Assert.False(File.Exists(content.PathOf(dangling)));
        Assert.False(File.Exists(content.PathOf(orphan)));
        Assert.Equal([keptByImage.Key], (await RecordsAsync()).Select(r => r.Key));
        Assert.Empty(await StoreVerifier.VerifyAsync(content, images, Ct));
        Assert.Empty((await CacheRecordVerifier.VerifyAsync(root, content, Ct)).Problems);
    }

    [Fact]
    public async Task Prune_all_removes_every_record_but_keeps_the_blobs_of_stored_images()
    {
        var image = await StoredImageAsync();
        await RecordAsync("make base", image.Layers[1].Digest);
        await RecordAsync("make tmp", await BlobAsync("dangling"));

        var result = await PruneAsync(new PruneOptions { All = true });

        Assert.Equal(2, result.Records.Count);
        Assert.Empty(await RecordsAsync());
        Assert.Equal(1, result.Blobs.Count);
        Assert.Empty(await StoreVerifier.VerifyAsync(content, images, Ct));
        Assert.True(File.Exists(content.PathOf(image.Layers[1].Digest)));
    }

    [Fact]
    public async Task Blobs_a_live_lease_wrote_or_touched_stay_until_the_lease_ends()
    {
        var reused = await BlobAsync("an old layer a running build reuses");
        var untouched = await BlobAsync("an old layer nobody uses");
        Digest fresh;
        using (var lease = await StoreLease.AcquireAsync(root, Ct))
        {
            var leased = new FileContentStore(root, lease);
            Assert.True(await leased.ExistsAsync(reused, Ct)); // a cache hit's check: touches under the lock
            fresh = (await leased.WriteAsync("written by the running build"u8.ToArray(), null, Ct)).Digest;
            File.SetLastWriteTimeUtc(content.PathOf(fresh), lease.Started.UtcDateTime); // as old as the build, no older

            var during = await PruneAsync(new PruneOptions { All = true });
            Assert.Equal(1, during.LiveOperations);
            Assert.True(File.Exists(content.PathOf(reused)));
            Assert.True(File.Exists(content.PathOf(fresh)));
            Assert.False(File.Exists(content.PathOf(untouched)));
        }
        File.SetLastWriteTimeUtc(content.PathOf(reused), LongAgo);
        File.SetLastWriteTimeUtc(content.PathOf(fresh), LongAgo);
        var after = await PruneAsync();
        Assert.Equal(0, after.LiveOperations);
        Assert.False(File.Exists(content.PathOf(reused)));
        Assert.False(File.Exists(content.PathOf(fresh)));
    }

    [Fact]
    public async Task A_lease_of_a_dead_process_is_removed_and_protects_nothing()
    {
        var leases = StoreLease.LeasesDirectory(root);
        Directory.CreateDirectory(leases);
        string dead = Path.Combine(leases, "1000-4242-deadbeef");
        await File.WriteAllTextAsync(dead, "", Ct); // nobody holds its flock
        var blob = await BlobAsync("left by the dead build");

        var result = await PruneAsync();

        Assert.Equal(0, result.LiveOperations);
        Assert.False(File.Exists(dead));
        Assert.False(File.Exists(content.PathOf(blob)));
    }

    [Fact]
    public async Task Stale_scratch_goes_a_running_builds_scratch_stays_and_symlinks_are_not_followed()
    {
        string outside = dir.Sub("outside");
        Directory.CreateDirectory(outside);
        string precious = Path.Combine(outside, "precious");
        await File.WriteAllTextAsync(precious, "must survive", Ct);

        string staleBuild = Path.Combine(root.TempDirectory, "build-old");
        Directory.CreateDirectory(Path.Combine(staleBuild, "sub"));
        File.CreateSymbolicLink(Path.Combine(staleBuild, "sub", "escape"), outside);
        File.CreateSymbolicLink(Path.Combine(root.TempDirectory, "link-old"), outside);
        Directory.SetLastWriteTimeUtc(staleBuild, LongAgo);
        string freshBuild = Path.Combine(root.TempDirectory, "build-new");
        Directory.CreateDirectory(freshBuild);
        string staleRun = Path.Combine(root.Path, "snapshots", "w", "abc123");
        Directory.CreateDirectory(Path.Combine(staleRun, "upper"));
        Directory.SetLastWriteTimeUtc(staleRun, LongAgo);
        string tempBlob = Path.Combine(root.BlobsDirectory, "sha256", ".tmp-half-written");
        Directory.CreateDirectory(Path.GetDirectoryName(tempBlob)!);
        await File.WriteAllTextAsync(tempBlob, "half", Ct);
        File.SetLastWriteTimeUtc(tempBlob, LongAgo);

        PruneResult result;
        using (await StoreLease.AcquireAsync(root, Ct)) // a build running: its fresh scratch must stay
            result = await PruneAsync();

        Assert.False(Directory.Exists(staleBuild));
        Assert.False(Directory.Exists(staleRun));
        Assert.False(File.Exists(tempBlob));
        Assert.True(Directory.Exists(freshBuild));
        Assert.True(File.Exists(precious));
        Assert.True(Directory.Exists(outside));
        Assert.True(result.Scratch.Count >= 3);
        Assert.Empty(result.Failed);

        // With no operation running, scratch is garbage however new it is.
        await PruneAsync();
        Assert.False(Directory.Exists(freshBuild));
    }

    [Fact]
    public async Task Unpacked_layers_stay_while_a_kept_blob_has_their_diff_id()
    {
        var image = await StoredImageAsync();
        string layers = Path.Combine(root.Path, "snapshots", "layers");
        string kept = Path.Combine(layers, image.Config.RootFs.DiffIds[0].Hex);
        string unused = Path.Combine(layers, Digest.Compute("nothing uses me"u8).Hex);
        foreach (var d in new[] { kept, unused })
        {
            Directory.CreateDirectory(Path.Combine(d, "etc"));
            Directory.SetLastWriteTimeUtc(d, LongAgo);
        }

        var result = await PruneAsync(new PruneOptions { All = true });

        Assert.True(Directory.Exists(kept));
        Assert.False(Directory.Exists(unused));
        Assert.Equal(1, result.UnpackedLayers.Count);
    }

    [Fact]
    public async Task Du_counts_records_shared_with_images_and_garbage()
    {
        var image = await StoredImageAsync();
        await RecordAsync("make base", image.Layers[0].Digest);
        await RecordAsync("make tmp", await BlobAsync("dangling"));
        await BlobAsync("orphan");

        var usage = await StoreUsage.MeasureAsync(root, TimeProvider.System, Ct);

        Assert.Equal(2, usage.Records.Count);
        var shared = Assert.Single(usage.Records, r => r.Shared);
        Assert.False(shared.Reclaimable);
        Assert.Equal("RUN make base", shared.Description);
        Assert.True(Assert.Single(usage.Records, r => !r.Shared).Reclaimable);
        long danglingSize = usage.Records.Single(r => !r.Shared).Size;
        Assert.Equal(image.Layers[0].Size + danglingSize, usage.Total);
        Assert.Equal(danglingSize, usage.Reclaimable);
        Assert.Equal(1, usage.UnreferencedBlobs.Count);
        Assert.Equal(3, usage.ImageOnlyBlobs.Count); // the other layer, the config and the manifest
    }

    [Theory]
    [InlineData("RUN", "[\"/bin/sh\",\"-c\",\"echo hi \\u003E /f\"]", "RUN echo hi > /f")]
    [InlineData("RUN", "[\"make\",\"all\"]", "RUN make all")]
    [InlineData("COPY", "[\"/a\"] -> /b", "COPY [\"/a\"] -> /b")]
    public void Records_are_described_by_their_instruction(string op, string cmd, string expected)
    {
        var p = new CacheKeyPreimage([KeyValuePair.Create("op", op), KeyValuePair.Create("cmd", cmd)]);
        var r = new CacheRecord(p.ComputeKey(), "Dockerfile#0#1", p, null, TimeSpan.Zero, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        Assert.Equal(expected, StoreUsage.Describe(r));
    }
}
