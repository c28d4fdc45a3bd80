using Build.Engine.Content;
using Build.Engine.Export;
using Build.Engine.Oci;
using Build.Engine.Tests.Content;

namespace Build.Engine.Tests.Export;

public class RoundTripTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly ImageReference Name = ImageReference.Parse("app:1");

    private static IImageExporter Exporter(string format, string path) =>
        ImageExporters.Create(ImageExporters.SaveTarget(format, path, [Name.ToString()]), null!);

    private static string[] Tree(string dir) =>
        [.. Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => Path.GetRelativePath(dir, f) + " " + Digest.Compute(File.ReadAllBytes(f)))];

    private static string[] Snapshot(string path) => Directory.Exists(path) ? Tree(path) : [Digest.Compute(File.ReadAllBytes(path)).ToString()];

    [Theory]
    [InlineData("oci")]
    [InlineData("oci-layout")]
    [InlineData("docker")]
    public async Task Export_import_export_gives_identical_output(string format)
    {
        using var tmp = new TempDir();
        var (_, storeA) = TestImages.Store(tmp.Sub("a"));
        var original = TestImages.TwoLayers();
        await storeA.PutImageAsync(original, [Name], None);

        string first = tmp.Sub("first"), second = tmp.Sub("second");
        await Exporter(format, first).ExportAsync(await storeA.OpenAsync("app:1", null, None), [Name], None);

        var (contentB, storeB) = TestImages.Store(tmp.Sub("b"));
        var imported = Assert.Single(await new ImageImporter(storeB).ImportAsync(first, null, None));
        Assert.Equal([Name], imported.Names);
        Assert.Equal(original.ConfigDigest(), imported.ConfigDigest);
        var reloaded = await storeB.OpenAsync("app:1", null, None);
        if (format != "docker")
            Assert.Equal(original.Digest, reloaded.Digest); // OCI formats carry the manifest itself
        Assert.Equal(original.Config.RootFs.DiffIds, reloaded.Config.RootFs.DiffIds);
        await Oci.MutateTests.AssertConsistentAsync(reloaded);
        Assert.Empty(await StoreVerifier.VerifyAsync(contentB, storeB, None));

        await Exporter(format, second).ExportAsync(reloaded, [Name], None);
        Assert.Equal(Snapshot(first), Snapshot(second));
    }

    [Fact]
    public async Task An_oci_import_exports_the_same_docker_archive_as_the_original()
    {
        using var tmp = new TempDir();
        var original = TestImages.TwoLayers();
        await Exporter("docker", tmp.Sub("direct.tar")).ExportAsync(original, [Name], None);
        await Exporter("oci", tmp.Sub("oci.tar")).ExportAsync(original, [Name], None);
        var (_, store) = TestImages.Store(tmp.Sub("s"));
        await new ImageImporter(store).ImportAsync(tmp.Sub("oci.tar"), null, None);
        await Exporter("docker", tmp.Sub("via-oci.tar")).ExportAsync(await store.OpenAsync("app:1", null, None), [Name], None);
        Assert.Equal(File.ReadAllBytes(tmp.Sub("direct.tar")), File.ReadAllBytes(tmp.Sub("via-oci.tar")));
    }

    [Fact]
    public async Task Saving_twice_into_one_layout_moves_the_tag_and_keeps_other_images()
    {
        using var tmp = new TempDir();
        string dir = tmp.Sub("layout");
        var one = TestImages.TwoLayers("1");
        var two = TestImages.TwoLayers("2");
        await new OciLayoutExporter(dir).ExportAsync(one, [ImageReference.Parse("app:old")], None);
        await new OciLayoutExporter(dir).ExportAsync(one, [Name], None);
        await new OciLayoutExporter(dir).ExportAsync(two, [Name], None);
        var index = OciJson.ReadIndex(File.ReadAllBytes(Path.Combine(dir, "index.json")), "index");
        Assert.Equal(2, index.Manifests.Count);
        Assert.Equal(two.Digest, index.Manifests.Single(m => m.Annotation("org.opencontainers.image.ref.name") == "1").Digest);
        Assert.Equal(one.Digest, index.Manifests.Single(m => m.Annotation("org.opencontainers.image.ref.name") == "old").Digest);
    }

    [Fact]
    public async Task A_failed_export_leaves_no_file_behind()
    {
        using var tmp = new TempDir();
        var (content, store) = TestImages.Store(tmp.Sub("s"));
        var image = TestImages.TwoLayers();
        await store.PutImageAsync(image, [Name], None);
        var layer = image.Manifest.Layers[1].Digest;
        await File.WriteAllBytesAsync(content.PathOf(layer), [1, 2, 3]);
        string outDir = tmp.Sub("out");
        Directory.CreateDirectory(outDir);
        foreach (var format in new[] { "oci", "docker", "oci-layout" })
        {
            var stored = await store.OpenAsync("app:1", null, None);
            var e = await Assert.ThrowsAnyAsync<Exception>(() => Exporter(format, Path.Combine(outDir, "x-" + format)).ExportAsync(stored, [Name], None));
            Assert.True(e is Errors.BuildException or InvalidDataException, e.ToString());
        }
        Assert.Empty(Directory.GetFileSystemEntries(outDir));
    }

    [Fact]
    public async Task The_docker_archive_lists_config_repo_tags_and_diff_id_layers()
    {
        using var tmp = new TempDir();
        var image = TestImages.TwoLayers();
        await Exporter("docker", tmp.Sub("d.tar")).ExportAsync(image, [Name], None);
        var entries = new Dictionary<string, byte[]>();
        await using (var fs = File.OpenRead(tmp.Sub("d.tar")))
        {
            using var r = new System.Formats.Tar.TarReader(fs);
            while (r.GetNextEntry() is { } e)
            {
                var ms = new MemoryStream();
                e.DataStream?.CopyTo(ms);
                entries[e.Name] = ms.ToArray();
            }
        }
        var manifest = Assert.Single(OciJson.Read(entries["manifest.json"], OciJson.Context.DockerArchiveEntryArray, "manifest.json"));
        Assert.Equal(["app:1"], manifest.RepoTags);
        Assert.Equal(image.RawConfig.ToArray(), entries[manifest.Config]);
        for (int i = 0; i < image.Layers.Count; i++)
            Assert.Equal(image.Config.RootFs.DiffIds[i], Digest.Compute(entries[manifest.Layers[i]]));
        Assert.Contains("\"app\":{\"1\":", System.Text.Encoding.UTF8.GetString(entries["repositories"]), StringComparison.Ordinal);
    }
}
