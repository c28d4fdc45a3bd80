using BenchmarkDotNet.Attributes;
using Build.Engine.Content;
using Build.Engine.Export;
using Build.Engine.Oci;

namespace Build.Benchmarks;

/// <summary>
/// Content-store write throughput (hash + temp file + fsync + rename) for one 200 MB blob, and a
/// docker-archive save → load of a 3 × 64 MB-layer image (decompress + hash on save; hash + gzip on
/// load). Physical reference: sha256 ~1.15–1.7 GB/s, cp ~1 GB/s, gzip level 2 (zlib-ng) ~150 MB/s.
/// </summary>
[MemoryDiagnoser]
public class ContentStoreBenchmarks
{
    private string _dir = "";
    private byte[] _blob = [];
    private IImage _image = null!;
    private int _round;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "builder-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dir);
        var rng = new Random(1);
        _blob = new byte[200 << 20];
        rng.NextBytes(_blob);
        IImage image = EmptyImage.For(Platform.Host);
        for (int i = 0; i < 3; i++)
        {
            // Half random, half text-like, so gzip has real work but is not trivially fast.
            byte[] data = new byte[64 << 20];
            rng.NextBytes(data.AsSpan(0, data.Length / 2));
            for (int j = data.Length / 2; j < data.Length; j++)
                data[j] = (byte)('a' + (j * 7 % 26));
            image = Mutate.AppendLayer(image, MemoryLayer.FromTar(Tar("f" + i, data)), new HistoryEntry { CreatedBy = "layer " + i });
        }
        _image = image;
    }

    private static byte[] Tar(string name, byte[] data)
    {
        var ms = new MemoryStream();
        using (var w = new System.Formats.Tar.TarWriter(ms, System.Formats.Tar.TarEntryFormat.Pax, leaveOpen: true))
            w.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
        return ms.ToArray();
    }

    // Every invocation writes into a fresh store (an existing blob would be a no-op); drop them between iterations.
    [IterationCleanup]
    public void DropStores()
    {
        foreach (string d in Directory.GetDirectories(_dir))
            Directory.Delete(d, recursive: true);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [Benchmark(Description = "store: write 200 MB blob (stream)")]
    public async Task<StoredBlob> WriteBlob()
    {
        var store = new FileContentStore(Path.Combine(_dir, "s" + _round++));
        return await store.WriteAsync(new MemoryStream(_blob, writable: false), null, null, CancellationToken.None);
    }

    [Benchmark(Description = "docker-archive save+load, 3 x 64 MB layers")]
    public async Task<int> SaveLoadDocker()
    {
        string round = Path.Combine(_dir, "r" + _round++);
        string tar = Path.Combine(round, "image.tar");
        await new DockerArchiveExporter(tar).ExportAsync(_image, [ImageReference.Parse("bench:1")], CancellationToken.None);
        var root = new BuilderRoot(Path.Combine(round, "root"));
        var images = new ImageStore(root, new FileContentStore(root), TimeProvider.System);
        var loaded = await new ImageImporter(images).ImportAsync(tar, null, CancellationToken.None);
        Directory.Delete(round, recursive: true);
        return loaded.Count;
    }
}
