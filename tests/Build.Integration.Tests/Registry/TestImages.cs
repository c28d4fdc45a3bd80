using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Build.Engine.Content;
using Build.Engine.Oci;
using Build.Engine.Registry;

namespace Build.Integration.Tests.Registry;

/// <summary>Writes small but real images (gzip tar layers, config with diff-ids, manifest) into an OCI layout.</summary>
internal static class TestImages
{
    public static async Task<RemoteDescriptor> CreateAsync(OciLayoutStore store, string name, Platform platform, int[] layerSizes, int seed)
    {
        var random = new Random(seed);
        var layers = new List<(Digest Digest, long Size, Digest DiffId)>();
        foreach (int size in layerSizes)
        {
            byte[] content = new byte[size];
            random.NextBytes(content);
            using var tar = new MemoryStream();
            using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, $"file-{seed}-{layers.Count}.bin")
                {
                    DataStream = new MemoryStream(content),
                    ModificationTime = DateTimeOffset.UnixEpoch,
                };
                writer.WriteEntry(entry);
            }
            byte[] tarBytes = tar.ToArray();
            using var gz = new MemoryStream();
            using (var gzip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
                gzip.Write(tarBytes);
            byte[] blob = gz.ToArray();
            await store.WriteBytesAsync(blob, CancellationToken.None);
            layers.Add((Digest.Compute(blob), blob.Length, Digest.Compute(tarBytes)));
        }
        string variant = platform.Variant is null ? "" : $",\"variant\":\"{platform.Variant}\"";
        string diffIds = string.Join(",", layers.Select(l => $"\"{l.DiffId}\""));
        byte[] config = Encoding.UTF8.GetBytes(
            $"{{\"architecture\":\"{platform.Architecture}\",\"os\":\"{platform.OS}\"{variant},\"config\":{{\"Env\":[\"SEED={seed}\"]}},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[{diffIds}]}}}}");
        await store.WriteBytesAsync(config, CancellationToken.None);
        string layerJson = string.Join(",", layers.Select(l => $"{{\"mediaType\":\"{MediaTypes.OciLayerGzip}\",\"digest\":\"{l.Digest}\",\"size\":{l.Size}}}"));
        byte[] manifest = Encoding.UTF8.GetBytes(
            $"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciManifest}\",\"config\":{{\"mediaType\":\"{MediaTypes.OciConfig}\",\"digest\":\"{Digest.Compute(config)}\",\"size\":{config.Length}}},\"layers\":[{layerJson}]}}");
        await store.WriteBytesAsync(manifest, CancellationToken.None);
        var descriptor = new RemoteDescriptor(MediaTypes.OciManifest, Digest.Compute(manifest), manifest.Length);
        await store.TagAsync(name, descriptor, CancellationToken.None);
        return descriptor;
    }

    /// <summary>An index over <paramref name="manifests"/> with their platforms, tagged <paramref name="name"/>.</summary>
    public static async Task<RemoteDescriptor> CreateIndexAsync(OciLayoutStore store, string name, params (RemoteDescriptor Manifest, Platform Platform)[] manifests)
    {
        string entries = string.Join(",", manifests.Select(m =>
            $"{{\"mediaType\":\"{m.Manifest.MediaType}\",\"digest\":\"{m.Manifest.Digest}\",\"size\":{m.Manifest.Size},\"platform\":{{\"architecture\":\"{m.Platform.Architecture}\",\"os\":\"{m.Platform.OS}\"{(m.Platform.Variant is null ? "" : $",\"variant\":\"{m.Platform.Variant}\"")}}}}}"));
        byte[] index = Encoding.UTF8.GetBytes($"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciIndex}\",\"manifests\":[{entries}]}}");
        await store.WriteBytesAsync(index, CancellationToken.None);
        var descriptor = new RemoteDescriptor(MediaTypes.OciIndex, Digest.Compute(index), index.Length);
        await store.TagAsync(name, descriptor, CancellationToken.None);
        return descriptor;
    }

    /// <summary>Copies every blob of <paramref name="layout"/> into builder's stores under <paramref name="root"/> and names <paramref name="image"/>.</summary>
    public static async Task ImportAsync(OciLayoutStore layout, RemoteDescriptor image, string root, string name)
    {
        var builderRoot = new BuilderRoot(root);
        var content = new FileContentStore(builderRoot);
        foreach (string file in Directory.GetFiles(Path.Combine(layout.Root, "blobs", "sha256")))
            await content.WriteAsync(await File.ReadAllBytesAsync(file), Digest.Parse("sha256:" + Path.GetFileName(file)), CancellationToken.None);
        var images = new ImageStore(builderRoot, content, TimeProvider.System);
        await images.SetAsync(ImageReference.Parse(name), new Descriptor { MediaType = image.MediaType, Digest = image.Digest, Size = image.Size }, CancellationToken.None);
    }

    public static async Task<byte[]> ReadAllAsync(IBlobStore store, Digest digest)
    {
        await using var s = await store.OpenReadAsync(digest, CancellationToken.None);
        using var m = new MemoryStream();
        await s.CopyToAsync(m);
        return m.ToArray();
    }
}
