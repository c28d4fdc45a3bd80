using Build.Engine.Content;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Tests.Content;

public class ImageStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Put_resolve_open_by_name_digest_and_id()
    {
        using var tmp = new TempDir();
        var (content, images) = TestImages.Store(tmp.Path);
        var image = TestImages.TwoLayers();
        var d = await images.PutImageAsync(image, [ImageReference.Parse("app:1")], None);
        Assert.Equal(image.Digest, d.Digest);
        Assert.Equal(d, await images.ResolveAsync("app:1", None));
        Assert.Equal(d, await images.ResolveAsync("docker.io/library/app:1", None));
        Assert.Equal(d.Digest, (await images.ResolveAsync(image.ConfigDigest().Hex[..12], None)).Digest);
        Assert.Equal(d.Digest, (await images.ResolveAsync("app@" + image.Digest, None)).Digest);
        Assert.Equal(d.Digest, (await images.ResolveAsync(image.Digest.ToString(), None)).Digest);
        var opened = await images.OpenAsync("app:1", null, None);
        Assert.Equal(image.RawManifest.ToArray(), opened.RawManifest.ToArray());
        Assert.Equal(image.RawConfig.ToArray(), opened.RawConfig.ToArray());
        await Oci.MutateTests.AssertConsistentAsync(opened);
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<BuildException>(() => images.ResolveAsync("nope", None))).Code);
    }

    [Fact]
    public async Task Tag_and_remove_names()
    {
        using var tmp = new TempDir();
        var (_, images) = TestImages.Store(tmp.Path);
        var d = await images.PutImageAsync(TestImages.TwoLayers(), [ImageReference.Parse("app:1")], None);
        await images.TagAsync("app:1", "registry.example.com/team/app:stable", None);
        var names = (await images.ListAsync(None)).Select(r => r.Name!.FamiliarName).ToList();
        Assert.Equal(["app:1", "registry.example.com/team/app:stable"], names);
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<BuildException>(() => images.RemoveAsync("app", None))).Code); // app:latest
        Assert.Equal(["app:1"], await images.RemoveAsync("app:1", None));
        Assert.Equal(d, await images.ResolveAsync("registry.example.com/team/app:stable", None));
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<BuildException>(() => images.ResolveAsync("app:1", None))).Code);
    }

    [Fact]
    public async Task Removing_by_id_removes_every_name_of_the_image()
    {
        using var tmp = new TempDir();
        var (_, images) = TestImages.Store(tmp.Path);
        var image = TestImages.TwoLayers();
        await images.PutImageAsync(image, [ImageReference.Parse("a:1"), ImageReference.Parse("b:2")], None);
        var removed = await images.RemoveAsync(image.ConfigDigest().Hex[..12], None);
        Assert.Equal(2, removed.Count);
        Assert.Empty(await images.ListAsync(None));
    }

    [Fact]
    public async Task Storing_the_same_image_under_the_same_name_again_leaves_the_entry_untouched()
    {
        using var tmp = new TempDir();
        var br = new BuilderRoot(tmp.Path);
        var content = new FileContentStore(br);
        var image = TestImages.TwoLayers();
        var first = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        await new ImageStore(br, content, new Caching.FixedTime(first)).PutImageAsync(image, [ImageReference.Parse("app:1")], None);
        string entry = Assert.Single(Directory.GetFiles(br.ImagesDirectory, "*.json"));
        byte[] before = File.ReadAllBytes(entry);

        var later = new ImageStore(br, content, new Caching.FixedTime(first.AddHours(1)));
        await later.PutImageAsync(image, [ImageReference.Parse("app:1")], None);
        Assert.Equal(before, File.ReadAllBytes(entry)); // not rewritten: the update time is the first one
        Assert.Equal(first, Assert.Single(await later.ListAsync(None)).Updated);

        // A different image under the name is still written, and the old one is kept untagged.
        var other = Build.Engine.Oci.Mutate.WithCreated(image, first.AddDays(1));
        await later.PutImageAsync(other, [ImageReference.Parse("app:1")], None);
        var records = await later.ListAsync(None);
        Assert.Equal(other.Digest, records.Single(r => r.Name is not null).Digest);
        Assert.Equal(first.AddHours(1), records.Single(r => r.Name is not null).Updated);
        Assert.Equal(image.Digest, records.Single(r => r.Name is null).Digest);
    }

    [Fact]
    public async Task A_moved_name_leaves_the_old_image_untagged()
    {
        using var tmp = new TempDir();
        var (_, images) = TestImages.Store(tmp.Path);
        var first = TestImages.TwoLayers("1");
        var second = TestImages.TwoLayers("2");
        await images.PutImageAsync(first, [ImageReference.Parse("app:latest")], None);
        await images.PutImageAsync(second, [ImageReference.Parse("app:latest")], None);
        var all = await images.ListAsync(None);
        Assert.Equal(2, all.Count);
        Assert.Contains(all, r => r.Name is null && r.Digest == first.Digest);
        Assert.Contains(all, r => r.Name?.FamiliarName == "app:latest" && r.Digest == second.Digest);
        await images.TagAsync(first.Digest.ToString(), "old:1", None);
        Assert.DoesNotContain(await images.ListAsync(None), r => r.Name is null);
    }

    [Fact]
    public async Task Concurrent_stores_from_many_tasks_and_stores_lose_no_name()
    {
        using var tmp = new TempDir();
        var image = TestImages.TwoLayers();
        // Separate ImageStore objects over one root stand in for separate builder processes.
        await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(async () =>
        {
            var (_, images) = TestImages.Store(tmp.Path);
            await images.PutImageAsync(image, [ImageReference.Parse($"app:{i}"), ImageReference.Parse("shared:latest")], None);
        })));
        var (_, reader) = TestImages.Store(tmp.Path);
        var all = await reader.ListAsync(None);
        Assert.Equal(25, all.Count);
        Assert.All(all, r => Assert.Equal(image.Digest, r.Digest));
        Assert.Empty(Directory.GetFiles(Path.Combine(tmp.Path, "images"), ".tmp-*"));
    }
}
