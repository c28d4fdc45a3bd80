using Build.Engine.Content;
using Build.Engine.Oci;

namespace Build.Engine.Tests.Content;

public class StoreVerifierTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_consistent_store_has_no_problems()
    {
        using var tmp = new TempDir();
        var (content, images) = TestImages.Store(tmp.Path);
        await images.PutImageAsync(TestImages.TwoLayers(), [ImageReference.Parse("a:1")], None);
        Assert.Empty(await StoreVerifier.VerifyAsync(content, images, None));
    }

    [Fact]
    public async Task A_corrupted_blob_is_reported_with_its_digest()
    {
        using var tmp = new TempDir();
        var (content, images) = TestImages.Store(tmp.Path);
        var image = TestImages.TwoLayers();
        await images.PutImageAsync(image, [ImageReference.Parse("a:1")], None);
        var layer = image.Manifest.Layers[0].Digest;
        byte[] bytes = await File.ReadAllBytesAsync(content.PathOf(layer));
        bytes[^1] ^= 0xff;
        await File.WriteAllBytesAsync(content.PathOf(layer), bytes);
        var problems = await StoreVerifier.VerifyAsync(content, images, None);
        var problem = Assert.Single(problems);
        Assert.Contains(layer.ToString(), problem, StringComparison.Ordinal);
        Assert.Contains("hashes to", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dangling_reference_is_reported()
    {
        using var tmp = new TempDir();
        var (content, images) = TestImages.Store(tmp.Path);
        var image = TestImages.TwoLayers();
        await images.PutImageAsync(image, [ImageReference.Parse("a:1")], None);
        await content.DeleteAsync(image.Manifest.Layers[1].Digest, None);
        var problems = await StoreVerifier.VerifyAsync(content, images, None);
        var problem = Assert.Single(problems);
        Assert.Contains("image a:1 layer 1", problem, StringComparison.Ordinal);
        Assert.Contains("missing", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_pointing_at_a_missing_manifest_is_reported()
    {
        using var tmp = new TempDir();
        var (content, images) = TestImages.Store(tmp.Path);
        await images.SetAsync(ImageReference.Parse("ghost:1"), new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.Compute("x"u8), Size = 1 }, None);
        var problem = Assert.Single(await StoreVerifier.VerifyAsync(content, images, None));
        Assert.Contains("ghost:1", problem, StringComparison.Ordinal);
    }
}
