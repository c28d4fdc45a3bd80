using Build.Engine.Oci;
using Build.Engine.Tests.Content;

namespace Build.Engine.Tests.Oci;

public class MutateTests
{
    private static readonly HistoryEntry Step = new() { CreatedBy = "RUN x" };

    /// <summary>The validate/image.go oracle: every digest, size and diff-id re-derived from bytes.</summary>
    internal static async Task AssertConsistentAsync(IImage image)
    {
        Assert.Equal(Digest.Compute(image.RawManifest.Span), image.Digest);
        Assert.Equal(image.Manifest, OciJson.ReadManifest(image.RawManifest.Span, "m"));
        Assert.Equal(image.Config, OciJson.ReadConfig(image.RawConfig.Span, "c"));
        Assert.Equal(Digest.Compute(image.RawConfig.Span), image.Manifest.Config.Digest);
        Assert.Equal(image.RawConfig.Length, image.Manifest.Config.Size);
        Assert.Equal(image.Layers.Count, image.Manifest.Layers.Count);
        Assert.Equal(image.Layers.Count, image.Config.RootFs.DiffIds.Count);
        Assert.Equal(image.Layers.Count, image.Config.History?.Count(h => !h.EmptyLayer) ?? 0);
        for (int i = 0; i < image.Layers.Count; i++)
        {
            var layer = image.Layers[i];
            await using (var s = await layer.OpenCompressedAsync(CancellationToken.None))
            {
                var ms = new MemoryStream();
                await s.CopyToAsync(ms);
                Assert.Equal(image.Manifest.Layers[i].Digest, Digest.Compute(ms.ToArray()));
                Assert.Equal(image.Manifest.Layers[i].Size, ms.Length);
            }
            await using var u = await layer.OpenUncompressedAsync(CancellationToken.None);
            Assert.Equal(image.Config.RootFs.DiffIds[i], await Digest.ComputeAsync(u, CancellationToken.None));
        }
    }

    [Fact]
    public async Task AppendLayer_returns_a_new_consistent_image_and_leaves_the_input_alone()
    {
        var before = TestImages.TwoLayers();
        byte[] rawManifest = before.RawManifest.ToArray();
        byte[] rawConfig = before.RawConfig.ToArray();
        var layer = MemoryLayer.FromTar(TestImages.Tar(("x", "y")));

        var after = Mutate.AppendLayer(before, layer, Step);

        Assert.Equal(rawManifest, before.RawManifest.ToArray());
        Assert.Equal(rawConfig, before.RawConfig.ToArray());
        Assert.Equal(2, before.Layers.Count);
        Assert.Equal(3, after.Layers.Count);
        Assert.NotEqual(before.Digest, after.Digest);
        Assert.Equal(layer.DiffId, after.Config.RootFs.DiffIds[^1]);
        Assert.Equal("RUN x", after.Config.History![^1].CreatedBy);
        Assert.False(after.Config.History[^1].EmptyLayer);
        await AssertConsistentAsync(before);
        await AssertConsistentAsync(after);
    }

    [Fact]
    public async Task Config_changes_recompute_digests_and_record_empty_layer_history()
    {
        var image = TestImages.TwoLayers();
        var changed = Mutate.AppendEmptyLayerHistory(Mutate.WithConfig(image, c => c with { User = "app" }), new HistoryEntry { CreatedBy = "USER app" });
        Assert.Equal("app", changed.Config.Config!.User);
        Assert.Null(image.Config.Config!.User);
        Assert.True(changed.Config.History![^1].EmptyLayer);
        Assert.Equal(image.Manifest.Layers, changed.Manifest.Layers);
        Assert.NotEqual(image.Manifest.Config.Digest, changed.Manifest.Config.Digest);
        await AssertConsistentAsync(changed);
    }

    [Fact]
    public void The_same_steps_give_the_same_digest()
    {
        Assert.Equal(TestImages.TwoLayers().Digest, TestImages.TwoLayers().Digest);
        Assert.NotEqual(TestImages.TwoLayers("a").Digest, TestImages.TwoLayers("b").Digest);
        Assert.Equal(EmptyImage.For(Platform.Host).Digest, EmptyImage.For(Platform.Host).Digest);
    }

    [Fact]
    public async Task Empty_image_is_scratch_for_its_platform()
    {
        var image = EmptyImage.For(Platform.Parse("linux/arm64/v8"));
        Assert.Empty(image.Layers);
        Assert.Equal(("linux", "arm64", "v8"), (image.Config.OS, image.Config.Architecture, image.Config.Variant));
        Assert.Null(image.Config.Created);
        Assert.Equal(MediaTypes.OciManifest, image.Manifest.MediaType);
        await AssertConsistentAsync(image);
        var moved = Mutate.WithPlatform(image, Platform.Parse("linux/amd64"));
        Assert.Equal("amd64", moved.Platform().Architecture);
    }

    [Fact]
    public async Task Docker_manifests_become_oci_when_mutated_without_touching_blobs()
    {
        var oci = TestImages.TwoLayers();
        var dockerManifest = oci.Manifest with
        {
            MediaType = MediaTypes.DockerManifest,
            Config = oci.Manifest.Config with { MediaType = MediaTypes.DockerConfig },
            Layers = [.. oci.Manifest.Layers.Select(l => l with { MediaType = MediaTypes.DockerLayerGzip })],
        };
        var docker = Image.FromRaw(OciJson.Serialize(dockerManifest), oci.RawConfig, oci.Layers);
        var mutated = Mutate.WithConfig(docker, c => c with { WorkingDir = "/w" });
        Assert.Equal(MediaTypes.OciManifest, mutated.Manifest.MediaType);
        Assert.Equal(MediaTypes.OciConfig, mutated.Manifest.Config.MediaType);
        Assert.All(mutated.Manifest.Layers, l => Assert.Equal(MediaTypes.OciLayerGzip, l.MediaType));
        Assert.Equal(oci.Manifest.Layers.Select(l => l.Digest), mutated.Manifest.Layers.Select(l => l.Digest));
        await AssertConsistentAsync(mutated);
    }

    [Fact]
    public void Derived_members_agree_with_the_manifest()
    {
        var image = TestImages.TwoLayers();
        Assert.Equal(image.Manifest.Config.Digest, image.ConfigDigest());
        Assert.Same(image.Layers[1], image.LayerByDiffId(image.Config.RootFs.DiffIds[1]));
        Assert.Same(image.Layers[0], image.LayerByDigest(image.Manifest.Layers[0].Digest));
        Assert.Equal(image.Digest, image.ManifestDescriptor().Digest);
        Assert.Equal(image.RawManifest.Length, image.ManifestDescriptor().Size);
    }
}
