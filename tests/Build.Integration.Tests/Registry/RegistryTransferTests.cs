using Build.Engine.Content;
using System.Collections.Concurrent;
using System.Text.Json;
using Build.Engine.Errors;
using Build.Engine.Oci;
using Build.Engine.Registry;

namespace Build.Integration.Tests.Registry;

/// <summary>Push and pull against the real distribution registry, checked with skopeo where it helps.</summary>
public sealed class RegistryTransferTests : IDisposable
{
    private static readonly Platform Amd64 = Platform.Parse("linux/amd64");
    private static readonly Platform Arm64 = Platform.Parse("linux/arm64");

    private readonly string _dir = Directory.CreateTempSubdirectory("registry-transfer").FullName;
    private readonly ConcurrentQueue<string> _log = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private OciLayoutStore Store(string name) => new(Path.Combine(_dir, name));

    private RegistryClient Client(RetryPolicy? retry = null, Func<string, RegistryCredential?>? credentials = null, long? chunk = null) =>
        new(new RegistryClientOptions
        {
            Log = _log.Enqueue,
            Retry = retry ?? new RetryPolicy { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(200) },
            Credentials = credentials ?? (_ => null),
            MonolithicUploadLimit = chunk ?? (64L << 20),
            ChunkSize = chunk ?? (64L << 20),
        });

    private static async Task AssertSameBlobsAsync(IBlobStore expected, IBlobStore actual, PulledImage pulled)
    {
        foreach (var blob in pulled.Layers.Append(pulled.Config).Append(pulled.Manifest))
        {
            byte[] bytes = await TestImages.ReadAllAsync(actual, blob.Digest);
            Assert.Equal(blob.Digest, Digest.Compute(bytes));
            Assert.Equal(await TestImages.ReadAllAsync(expected, blob.Digest), bytes);
        }
    }

    [ToolFact("docker-registry")]
    public async Task Push_then_pull_round_trips_with_identical_digests()
    {
        await using var registry = await LocalRegistry.StartAsync();
        var source = Store("src");
        var image = await TestImages.CreateAsync(source, "app", Amd64, [300_000, 5_000, 1], seed: 1);
        var target = ImageReference.Parse($"{registry.Host}/team/app:v1");
        using var client = Client(chunk: 100_000); // the large layer goes up in PATCH chunks

        Digest pushed = await new RegistryPusher(client).PushAsync(target, source, image, CancellationToken.None);
        Assert.Equal(image.Digest, pushed);

        var dest = Store("dest");
        using var pullClient = Client();
        var pulled = await new RegistryPuller(pullClient).PullAsync(target, Amd64, dest, CancellationToken.None);
        Assert.Equal(image.Digest, pulled.Manifest.Digest);
        Assert.Null(pulled.IndexDigest);
        Assert.Equal(3, pulled.Layers.Count);
        await AssertSameBlobsAsync(source, dest, pulled);

        // Pulling again stores nothing new: every blob is skipped.
        _log.Clear();
        await new RegistryPuller(pullClient).PullAsync(target, Amd64, dest, CancellationToken.None);
        Assert.Equal(4, _log.Count(l => l.EndsWith("already exists", StringComparison.Ordinal)));
        Assert.DoesNotContain(_log, l => l.Contains("downloading", StringComparison.Ordinal));

        // Pushing again uploads nothing: HEAD finds every blob.
        _log.Clear();
        await new RegistryPusher(client).PushAsync(target, source, image, CancellationToken.None);
        Assert.Equal(4, _log.Count(l => l.EndsWith("already exists", StringComparison.Ordinal)));
    }

    [ToolFact("docker-registry", "skopeo")]
    public async Task Skopeo_inspects_what_we_pushed()
    {
        await using var registry = await LocalRegistry.StartAsync();
        var source = Store("src");
        var image = await TestImages.CreateAsync(source, "app", Amd64, [10_000, 20_000], seed: 2);
        var target = ImageReference.Parse($"{registry.Host}/inspect/me:latest");
        using var client = Client();
        await new RegistryPusher(client).PushAsync(target, source, image, CancellationToken.None);

        string json = await ProcessRunner.RunCheckedAsync("skopeo", "inspect", "--tls-verify=false", $"docker://{registry.Host}/inspect/me:latest");
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(image.Digest.ToString(), doc.RootElement.GetProperty("Digest").GetString());
        Assert.Equal("amd64", doc.RootElement.GetProperty("Architecture").GetString());
        Assert.Equal(2, doc.RootElement.GetProperty("Layers").GetArrayLength());

        string raw = await ProcessRunner.RunCheckedAsync("skopeo", "inspect", "--raw", "--tls-verify=false", $"docker://{registry.Host}/inspect/me:latest");
        Assert.Equal(await TestImages.ReadAllAsync(source, image.Digest), System.Text.Encoding.UTF8.GetBytes(raw));
    }

    [ToolFact("docker-registry", "skopeo")]
    public async Task Pulls_an_image_pushed_by_skopeo_copy()
    {
        await using var registry = await LocalRegistry.StartAsync();
        var layout = Store("skopeo-src");
        await TestImages.CreateAsync(layout, "v1", Amd64, [50_000, 70_000], seed: 3);
        await ProcessRunner.RunCheckedAsync("skopeo", "copy", "--dest-tls-verify=false",
            $"oci:{layout.Root}:v1", $"docker://{registry.Host}/from/skopeo:v1");
        string json = await ProcessRunner.RunCheckedAsync("skopeo", "inspect", "--tls-verify=false", $"docker://{registry.Host}/from/skopeo:v1");
        using var doc = JsonDocument.Parse(json);
        string expected = doc.RootElement.GetProperty("Digest").GetString()!;

        var dest = Store("dest");
        using var client = Client();
        var pulled = await new RegistryPuller(client).PullAsync(ImageReference.Parse($"{registry.Host}/from/skopeo:v1"), Amd64, dest, CancellationToken.None);
        Assert.Equal(expected, pulled.Manifest.Digest.ToString());
        await AssertSameBlobsAsync(layout, dest, pulled);
    }

    [ToolFact("docker-registry", "skopeo")]
    public async Task Multi_platform_index_selects_the_requested_platform()
    {
        await using var registry = await LocalRegistry.StartAsync();
        var source = Store("src");
        var amd = await TestImages.CreateAsync(source, "amd", Amd64, [4_000], seed: 10);
        var arm = await TestImages.CreateAsync(source, "arm", Arm64, [5_000], seed: 11);
        var index = await TestImages.CreateIndexAsync(source, "multi", (amd, Amd64), (arm, Arm64));
        var target = ImageReference.Parse($"{registry.Host}/multi/app:1");
        using var client = Client();
        Assert.Equal(index.Digest, await new RegistryPusher(client).PushAsync(target, source, index, CancellationToken.None));

        var dest = Store("dest");
        var pulledArm = await new RegistryPuller(client).PullAsync(target, Platform.Parse("linux/aarch64"), dest, CancellationToken.None);
        Assert.Equal(arm.Digest, pulledArm.Manifest.Digest);
        Assert.Equal(index.Digest, pulledArm.IndexDigest);
        var pulledAmd = await new RegistryPuller(client).PullAsync(target, Amd64, dest, CancellationToken.None);
        Assert.Equal(amd.Digest, pulledAmd.Manifest.Digest);

        var missing = await Assert.ThrowsAsync<BuildException>(() =>
            new RegistryPuller(client).PullAsync(target, Platform.Parse("linux/s390x"), dest, CancellationToken.None));
        Assert.Contains("linux/s390x", missing.Message, StringComparison.Ordinal);

        // skopeo sees the index we pushed and resolves it to the arm64 image's config.
        string json = await ProcessRunner.RunCheckedAsync("skopeo", "--override-arch", "arm64", "inspect", "--tls-verify=false", $"docker://{registry.Host}/multi/app:1");
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(index.Digest.ToString(), doc.RootElement.GetProperty("Digest").GetString());
        Assert.Equal("arm64", doc.RootElement.GetProperty("Architecture").GetString());
    }

    [ToolFact("docker-registry")]
    public async Task Blobs_are_mounted_across_repositories_of_the_same_registry()
    {
        await using var registry = await LocalRegistry.StartAsync();
        var source = Store("src");
        var image = await TestImages.CreateAsync(source, "app", Amd64, [40_000, 30_000], seed: 4);
        using var client = Client();
        await new RegistryPusher(client).PushAsync(ImageReference.Parse($"{registry.Host}/first/app:1"), source, image, CancellationToken.None);

        _log.Clear();
        var second = ImageReference.Parse($"{registry.Host}/second/app:1");
        await new RegistryPusher(client).PushAsync(second, source, image, CancellationToken.None);
        // Both layers and the config were mounted from "first/app", none uploaded.
        Assert.Equal(3, _log.Count(l => l.Contains("mounted from first/app", StringComparison.Ordinal)));
        Assert.DoesNotContain(_log, l => l.Contains(": pushed ", StringComparison.Ordinal) && !l.Contains("manifest", StringComparison.Ordinal));

        // The registry's own answer: 201 Created to the mount request, and the blob then exists there.
        var manifest = await client.GetManifestAsync(second, CancellationToken.None);
        var layer = ManifestReader.ReadManifest(manifest.Content, "x").Layers[0].Digest;
        var third = ImageReference.Parse($"{registry.Host}/third/app:1");
        Assert.Null(await client.BlobExistsAsync(third, layer, CancellationToken.None));
        Assert.True(await client.MountBlobAsync(third, layer, "first/app", CancellationToken.None));
        Assert.NotNull(await client.BlobExistsAsync(third, layer, CancellationToken.None));
        // A mount from a repository that lacks the blob is refused (202: an ordinary upload starts instead).
        Assert.False(await client.MountBlobAsync(third, layer, "no/such-repo", CancellationToken.None));
    }

    [ToolFact("docker-registry")]
    public async Task Missing_tag_is_a_clear_manifest_unknown_error()
    {
        await using var registry = await LocalRegistry.StartAsync();
        using var client = Client();
        var e = await Assert.ThrowsAsync<BuildException>(() =>
            new RegistryPuller(client).PullAsync(ImageReference.Parse($"{registry.Host}/foo:bar"), Amd64, Store("d"), CancellationToken.None));
        Assert.Equal(ErrorCode.NotFound, e.Code);
        Assert.Equal($"manifest unknown: {registry.Host}/foo:bar not found", e.Message);
    }

    [ToolFact("docker-registry")]
    public async Task Corrupted_blob_in_the_registry_is_a_digest_mismatch_and_leaves_nothing_behind()
    {
        await using var registry = await LocalRegistry.StartAsync();
        var source = Store("src");
        var image = await TestImages.CreateAsync(source, "app", Amd64, [20_000], seed: 5);
        var target = ImageReference.Parse($"{registry.Host}/corrupt/app:1");
        using var client = Client();
        await new RegistryPusher(client).PushAsync(target, source, image, CancellationToken.None);

        // The filesystem driver keeps each blob at blobs/sha256/<2 hex>/<hex>/data; flip its bytes.
        var layer = ManifestReader.ReadManifest(await TestImages.ReadAllAsync(source, image.Digest), "x").Layers[0].Digest;
        string data = Path.Combine(registry.StorageDirectory, "docker", "registry", "v2", "blobs", "sha256", layer.Hex[..2], layer.Hex, "data");
        byte[] bytes = await File.ReadAllBytesAsync(data);
        for (int i = 0; i < bytes.Length; i += 100)
            bytes[i] ^= 0xff;
        await File.WriteAllBytesAsync(data, bytes);

        var dest = Store("dest");
        var e = await Assert.ThrowsAsync<BuildException>(() => new RegistryPuller(client).PullAsync(target, Amd64, dest, CancellationToken.None));
        Assert.Equal(ErrorCode.DigestMismatch, e.Code);
        Assert.Contains(layer.ToString(), e.Message, StringComparison.Ordinal);
        Assert.False(dest.Contains(layer));
        // Wrong bytes are deleted, not kept for a resume (a sibling download cancelled by this failure may keep its partial file).
        Assert.False(File.Exists(dest.BlobPath(layer) + ".partial"));

        // The content store (which verifies by itself) refuses the same bytes, naming blob and registry, and keeps no temp file.
        var root = new Build.Engine.Content.BuilderRoot(Path.Combine(_dir, "root"));
        var content = new Build.Engine.Content.FileContentStore(root);
        var e2 = await Assert.ThrowsAsync<BuildException>(() => new RegistryPuller(client).PullAsync(target, Amd64, content, CancellationToken.None));
        Assert.Equal(ErrorCode.DigestMismatch, e2.Code);
        Assert.Contains(layer.ToString(), e2.Message, StringComparison.Ordinal);
        Assert.Contains(target.Name, e2.Message, StringComparison.Ordinal);
        Assert.False(await content.ExistsAsync(layer, CancellationToken.None));
        Assert.Empty(Directory.EnumerateFiles(root.BlobsDirectory, ".tmp-*", SearchOption.AllDirectories));
    }

    [ToolFact("docker-registry")]
    public async Task Interrupted_pull_resumes_from_its_partial_file_with_a_range_request()
    {
        await using var registry = await LocalRegistry.StartAsync();
        var source = Store("src");
        var image = await TestImages.CreateAsync(source, "app", Amd64, [200_000], seed: 6);
        var target = ImageReference.Parse($"{registry.Host}/resume/app:1");
        using var client = Client();
        await new RegistryPusher(client).PushAsync(target, source, image, CancellationToken.None);

        var layer = ManifestReader.ReadManifest(await TestImages.ReadAllAsync(source, image.Digest), "x").Layers[0];
        var dest = Store("dest");
        byte[] full = await TestImages.ReadAllAsync(source, layer.Digest);
        await File.WriteAllBytesAsync(dest.BlobPath(layer.Digest) + ".partial", full[..(full.Length / 2)]);

        _log.Clear();
        var pulled = await new RegistryPuller(client).PullAsync(target, Amd64, dest, CancellationToken.None);
        Assert.Contains(_log, l => l.Contains($"resuming after {full.Length / 2} bytes", StringComparison.Ordinal));
        Assert.Equal(full, await TestImages.ReadAllAsync(dest, layer.Digest));
        // The registry answered the Range request with 206 (a 200 would have restarted the blob from zero).
        Assert.Contains(_log, l => l.Contains($"registry continues at byte {full.Length / 2}", StringComparison.Ordinal));
        await AssertSameBlobsAsync(source, dest, pulled);
    }

    [ToolFact("docker-registry")]
    public async Task Concurrent_pulls_of_one_image_all_succeed()
    {
        await using var registry = await LocalRegistry.StartAsync();
        var source = Store("src");
        var image = await TestImages.CreateAsync(source, "app", Amd64, [150_000, 150_000, 150_000], seed: 7);
        var target = ImageReference.Parse($"{registry.Host}/concurrent/app:1");
        using var client = Client();
        await new RegistryPusher(client).PushAsync(target, source, image, CancellationToken.None);

        var shared = Store("shared");
        var pulls = Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
        {
            // Half into their own stores, half into one shared store (same blobs written concurrently).
            IBlobStore store = i % 2 == 0 ? Store("own" + i) : shared;
            using var c = Client();
            var pulled = await new RegistryPuller(c).PullAsync(target, Amd64, store, CancellationToken.None);
            await AssertSameBlobsAsync(source, store, pulled);
            return pulled.Manifest.Digest;
        })).ToList();
        foreach (var digest in await Task.WhenAll(pulls))
            Assert.Equal(image.Digest, digest);
    }

    [ToolFact("docker-registry")]
    public async Task Registry_killed_mid_push_fails_clearly_and_a_retry_after_restart_succeeds()
    {
        await using var registry = await LocalRegistry.StartAsync();
        var source = Store("src");
        var image = await TestImages.CreateAsync(source, "app", Amd64, [3_000_000], seed: 8);
        var target = ImageReference.Parse($"{registry.Host}/outage/app:1");
        var layer = ManifestReader.ReadManifest(await TestImages.ReadAllAsync(source, image.Digest), "x").Layers[0].Digest;

        // Reading the layer past its middle kills the registry (once): a crash mid-upload, between chunks.
        int killed = 0;
        void KillOnce()
        {
            if (Interlocked.Exchange(ref killed, 1) == 0)
                registry.Kill();
        }
        Task<Stream> Open(Digest d, CancellationToken ct)
        {
            Stream s = source.OpenRead(d);
            return Task.FromResult(d == layer ? new TripwireStream(s, 1_500_000, KillOnce) : s);
        }
        using (var client = Client(chunk: 500_000))
        {
            byte[] manifest = await TestImages.ReadAllAsync(source, image.Digest);
            var e = await Assert.ThrowsAsync<RegistryTransientException>(() =>
                new RegistryPusher(client).PushAsync(target, image.MediaType, manifest, Open, CancellationToken.None));
            Assert.Equal(ErrorCode.Registry, e.Code);
            Assert.StartsWith($"cannot reach registry {registry.Host}", e.Message, StringComparison.Ordinal);
            Assert.Contains("attempts", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', e.Message);
        }

        await registry.RestartAsync();
        using (var client = Client(chunk: 500_000))
        {
            Assert.Equal(image.Digest, await new RegistryPusher(client).PushAsync(target, source, image, CancellationToken.None));
            var pulled = await new RegistryPuller(client).PullAsync(target, Amd64, Store("dest"), CancellationToken.None);
            Assert.Equal(image.Digest, pulled.Manifest.Digest);
        }
    }

    /// <summary>Passes reads through and calls <c>trip</c> once the position passes <c>after</c>.</summary>
    private sealed class TripwireStream(Stream inner, long after, Action trip) : Stream
    {

        public override bool CanRead => true;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => inner.Position = value;
        }

        public override int Read(byte[] buffer, int offset, int count) => Trip(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Trip(await inner.ReadAsync(buffer, cancellationToken));

        private int Trip(int n)
        {
            if (inner.Position >= after)
                trip();
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
