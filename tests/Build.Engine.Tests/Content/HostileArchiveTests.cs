using System.Formats.Tar;
using System.Text;
using Build.Engine.Content;
using Build.Engine.Errors;
using Build.Engine.Export;
using Build.Engine.Oci;

namespace Build.Engine.Tests.Content;

public class HostileArchiveTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static void WriteTar(string path, Action<TarWriter> entries)
    {
        using var fs = File.Create(path);
        using var w = new TarWriter(fs, TarEntryFormat.Pax);
        entries(w);
    }

    private static void File_(TarWriter w, string name, byte[] content) =>
        w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });

    private static async Task<BuildException> ImportFails(string root, string archive)
    {
        var (_, images) = TestImages.Store(root);
        return await Assert.ThrowsAsync<BuildException>(() => new ImageImporter(images).ImportAsync(archive, null, None));
    }

    private static string[] BlobFiles(string root) =>
        Directory.Exists(Path.Combine(root, "blobs")) ? Directory.GetFiles(Path.Combine(root, "blobs"), "*", SearchOption.AllDirectories) : [];

    [Fact]
    public async Task Entries_climbing_out_of_the_archive_are_refused()
    {
        using var tmp = new TempDir();
        string tar = tmp.Sub("evil.tar");
        WriteTar(tar, w => File_(w, "../../etc/evil", "x"u8.ToArray()));
        var e = await ImportFails(tmp.Sub("root"), tar);
        Assert.Equal(ErrorCode.UnsafePath, e.Code);
        Assert.Contains("evil.tar", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(tmp.Path, "etc", "evil")));
    }

    [Fact]
    public async Task Absolute_symlinks_are_refused()
    {
        using var tmp = new TempDir();
        string tar = tmp.Sub("link.tar");
        WriteTar(tar, w => w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "manifest.json") { LinkName = "/etc/passwd" }));
        Assert.Equal(ErrorCode.UnsafePath, (await ImportFails(tmp.Sub("root"), tar)).Code);
    }

    [Fact]
    public async Task A_blob_that_does_not_match_its_name_is_refused_and_not_stored()
    {
        using var tmp = new TempDir();
        string good = tmp.Sub("good.tar");
        await new OciArchiveExporter(good).ExportAsync(TestImages.TwoLayers(), [ImageReference.Parse("a:1")], None);
        string bad = tmp.Sub("bad.tar");
        // Copy the archive, replacing the content of the largest blob (a layer).
        using (var input = File.OpenRead(good))
        {
            var reader = new TarReader(input);
            var all = new List<(TarEntry Entry, byte[] Data)>();
            while (reader.GetNextEntry(copyData: true) is { } e)
            {
                var ms = new MemoryStream();
                e.DataStream?.CopyTo(ms);
                all.Add((e, ms.ToArray()));
            }
            var victim = all.Where(a => a.Entry.Name.StartsWith("blobs/sha256/", StringComparison.Ordinal)).MaxBy(a => a.Data.Length);
            WriteTar(bad, w =>
            {
                foreach (var (entry, data) in all)
                {
                    if (entry.EntryType == TarEntryType.Directory)
                        continue;
                    File_(w, entry.Name, ReferenceEquals(entry, victim.Entry) ? [.. data.Reverse()] : data);
                }
            });
        }
        string root = tmp.Sub("root");
        var e2 = await ImportFails(root, bad);
        Assert.Equal(ErrorCode.DigestMismatch, e2.Code);
        Assert.Contains("bad.tar", e2.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(BlobFiles(root), f => Path.GetFileName(f).StartsWith(".tmp-", StringComparison.Ordinal));
        var (_, images) = TestImages.Store(root);
        Assert.Empty(await images.ListAsync(None));
    }

    [Fact]
    public async Task A_docker_archive_whose_layer_does_not_match_the_config_is_refused()
    {
        using var tmp = new TempDir();
        var image = TestImages.TwoLayers();
        string tar = tmp.Sub("docker.tar");
        byte[] otherLayer = TestImages.Tar(("not", "the layer"));
        var config = image.RawConfig.ToArray();
        string configName = Digest.Compute(config).Hex + ".json";
        var manifest = new DockerArchiveEntry { Config = configName, RepoTags = ["x:1"], Layers = ["l0/layer.tar", "l1/layer.tar"] };
        WriteTar(tar, w =>
        {
            File_(w, configName, config);
            File_(w, "l0/layer.tar", otherLayer);
            File_(w, "l1/layer.tar", otherLayer);
            File_(w, "manifest.json", OciJson.Serialize<DockerArchiveEntry[]>([manifest], OciJson.Context.DockerArchiveEntryArray));
        });
        var e = await ImportFails(tmp.Sub("root"), tar);
        Assert.Equal(ErrorCode.DigestMismatch, e.Code);
        Assert.Contains("l0/layer.tar", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_legacy_docker_archive_with_linked_layers_loads_with_gzip_layers()
    {
        using var tmp = new TempDir();
        IImage image = EmptyImage.For(Platform.Host);
        var layer = MemoryLayer.FromTar(TestImages.Tar(("f", "same")), LayerCompression.None);
        image = Mutate.AppendLayer(image, layer, new HistoryEntry { CreatedBy = "a" });
        image = Mutate.AppendLayer(image, layer, new HistoryEntry { CreatedBy = "b" });
        string tar = tmp.Sub("legacy.tar");
        string configName = image.ConfigDigest().Hex + ".json";
        byte[] layerTar = TestImages.Tar(("f", "same"));
        WriteTar(tar, w =>
        {
            File_(w, "./" + configName, image.RawConfig.ToArray());
            File_(w, "./aaa/layer.tar", layerTar);
            // docker save links a repeated layer to the first copy.
            w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "./bbb/layer.tar") { LinkName = "../aaa/layer.tar" });
            File_(w, "./manifest.json", Encoding.UTF8.GetBytes($$"""[{"Config":"{{configName}}","RepoTags":["legacy:1"],"Layers":["aaa/layer.tar","bbb/layer.tar"]}]"""));
            File_(w, "./repositories", Encoding.UTF8.GetBytes("""{"legacy":{"1":"bbb"}}"""));
        });
        var (content, images) = TestImages.Store(tmp.Sub("root"));
        var imported = Assert.Single(await new ImageImporter(images).ImportAsync(tar, null, None));
        Assert.Equal("legacy:1", Assert.Single(imported.Names).FamiliarName);
        var stored = await images.OpenAsync("legacy:1", null, None);
        Assert.All(stored.Manifest.Layers, l => Assert.Equal(MediaTypes.OciLayerGzip, l.MediaType));
        Assert.Equal(image.Config.RootFs.DiffIds, stored.Config.RootFs.DiffIds);
        await Oci.MutateTests.AssertConsistentAsync(stored);
        Assert.Empty(await StoreVerifier.VerifyAsync(content, images, None));
    }

    [Fact]
    public async Task A_layout_missing_a_blob_names_it()
    {
        using var tmp = new TempDir();
        string dir = tmp.Sub("layout");
        var image = TestImages.TwoLayers();
        await new OciLayoutExporter(dir).ExportAsync(image, [], None);
        File.Delete(Path.Combine(dir, "blobs", "sha256", image.Manifest.Layers[0].Digest.Hex));
        var e = await ImportFails(tmp.Sub("root"), dir);
        Assert.Equal(ErrorCode.InvalidArchive, e.Code);
        Assert.Contains(image.Manifest.Layers[0].Digest.ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Garbage_is_not_an_archive()
    {
        using var tmp = new TempDir();
        string f = tmp.Sub("junk");
        await File.WriteAllTextAsync(f, "this is not a tar file at all, just text that goes on for a while............................");
        var e = await ImportFails(tmp.Sub("root"), f);
        Assert.Contains("junk", e.Message, StringComparison.Ordinal);
    }
}
