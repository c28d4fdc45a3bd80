using System.Text.Json;
using Build.Engine.Content;
using Build.Engine.Export;
using Build.Engine.Oci;

namespace Build.Integration.Tests.Oci;

/// <summary>Our exports checked by tools nobody here wrote (skopeo, umoci), and their outputs loaded by us.</summary>
public class ExternalToolValidationTests(BusyboxImageFixture fx) : IClassFixture<BusyboxImageFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private async Task<string> SaveAsync(string format, string name)
    {
        string path = fx.Path_(name);
        var target = ImageExporters.SaveTarget(format, path, [fx.Name.ToString()]);
        await ImageExporters.Create(target, fx.Images).ExportAsync(fx.Image, [fx.Name], None);
        return path;
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [ToolFact("skopeo", "busybox")]
    public async Task Skopeo_inspects_our_oci_layout_and_oci_archive_with_our_digests()
    {
        string layout = await SaveAsync("oci-layout", "layout");
        string archive = await SaveAsync("oci", "image.oci.tar");
        foreach (string reference in new[] { $"oci:{layout}:test", $"oci-archive:{archive}:test" })
        {
            var info = Json(await Tools.RunAsync("skopeo", "inspect", reference));
            Assert.Equal(fx.Image.Digest.ToString(), info.GetProperty("Digest").GetString());
            Assert.Equal(fx.Image.Manifest.Layers.Select(l => l.Digest.ToString()), info.GetProperty("Layers").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal("amd64", info.GetProperty("Architecture").GetString());
            var config = Json(await Tools.RunAsync("skopeo", "inspect", "--config", "--raw", reference));
            Assert.Equal(fx.Image.Config.RootFs.DiffIds[0].ToString(), config.GetProperty("rootfs").GetProperty("diff_ids")[0].GetString());
        }
    }

    [ToolFact("skopeo", "busybox")]
    public async Task Skopeo_reads_our_docker_archive_with_repo_tags_and_diff_ids()
    {
        string archive = await SaveAsync("docker", "image.docker.tar");
        var info = Json(await Tools.RunAsync("skopeo", "inspect", $"docker-archive:{archive}"));
        Assert.Equal(fx.Image.Config.RootFs.DiffIds.Select(d => d.ToString()), info.GetProperty("Layers").EnumerateArray().Select(e => e.GetString()));
        var config = await Tools.RunAsync("skopeo", "inspect", "--config", "--raw", $"docker-archive:{archive}:busybox:test");
        Assert.Equal(fx.Image.RawConfig.ToArray(), System.Text.Encoding.UTF8.GetBytes(config.TrimEnd('\n')));
    }

    [ToolFact("skopeo", "busybox")]
    public async Task Skopeo_copies_every_export_format()
    {
        string layout = await SaveAsync("oci-layout", "copy-src-layout");
        string oci = await SaveAsync("oci", "copy-src.oci.tar");
        string docker = await SaveAsync("docker", "copy-src.docker.tar");
        foreach (var (src, i) in new[] { $"oci:{layout}:test", $"oci-archive:{oci}", $"docker-archive:{docker}" }.Select((s, i) => (s, i)))
        {
            string dest = fx.Path_("copied-" + i);
            await Tools.RunAsync("skopeo", "copy", "--quiet", src, $"oci:{dest}:copy");
            var info = Json(await Tools.RunAsync("skopeo", "inspect", "--config", "--raw", $"oci:{dest}:copy"));
            Assert.Equal(fx.Image.Config.RootFs.DiffIds[0].ToString(), info.GetProperty("rootfs").GetProperty("diff_ids")[0].GetString());
        }
    }

    [ToolFact("umoci", "busybox")]
    public async Task Umoci_unpacks_our_layout_into_the_busybox_rootfs()
    {
        string layout = await SaveAsync("oci-layout", "umoci-layout");
        string bundle = fx.Path_("bundle");
        await Tools.RunAsync("umoci", "unpack", "--rootless", "--image", $"{layout}:test", bundle);
        string rootfs = Path.Combine(bundle, "rootfs");
        Assert.Equal(File.ReadAllBytes("/bin/busybox"), File.ReadAllBytes(Path.Combine(rootfs, "bin", "busybox")));
        Assert.Equal(new FileInfo(fx.Path_("rootfs/bin/sh")).LinkTarget, new FileInfo(Path.Combine(rootfs, "bin", "sh")).LinkTarget);
        Assert.NotNull(new FileInfo(Path.Combine(rootfs, "bin", "sh")).LinkTarget);
        Assert.Contains("app:x:1000:1000", File.ReadAllText(Path.Combine(rootfs, "etc", "passwd")), StringComparison.Ordinal);
        var runtimeConfig = Json(File.ReadAllText(Path.Combine(bundle, "config.json")));
        Assert.Equal("/bin/sh", runtimeConfig.GetProperty("process").GetProperty("args")[0].GetString());
    }

    [ToolFact("skopeo", "busybox")]
    public async Task We_load_what_skopeo_writes()
    {
        string layout = await SaveAsync("oci-layout", "load-src");
        string skLayout = fx.Path_("sk-layout");
        string skDocker = fx.Path_("sk-docker.tar");
        string skOci = fx.Path_("sk-oci.tar");
        await Tools.RunAsync("skopeo", "copy", "--quiet", $"oci:{layout}:test", $"oci:{skLayout}:v1");
        await Tools.RunAsync("skopeo", "copy", "--quiet", $"oci:{layout}:test", $"docker-archive:{skDocker}:example.com/sk/docker:v2");
        await Tools.RunAsync("skopeo", "copy", "--quiet", $"oci:{layout}:test", $"oci-archive:{skOci}:v3");

        var root = new BuilderRoot(fx.Path_("load-store"));
        var content = new FileContentStore(root);
        var images = new ImageStore(root, content, TimeProvider.System);
        var importer = new ImageImporter(images);
        await importer.ImportAsync(skLayout, ImageReference.Parse("sk/layout:v1"), None);
        var fromDocker = Assert.Single(await importer.ImportAsync(skDocker, null, None));
        Assert.Equal("example.com/sk/docker:v2", Assert.Single(fromDocker.Names).FamiliarName);
        await importer.ImportAsync(skOci, ImageReference.Parse("sk/oci:v3"), None);

        foreach (string name in new[] { "sk/layout:v1", "example.com/sk/docker:v2", "sk/oci:v3" })
        {
            var image = await images.OpenAsync(name, null, None);
            Assert.Equal(fx.Image.Config.RootFs.DiffIds, image.Config.RootFs.DiffIds);
            await using var layer = await image.Layers[0].OpenUncompressedAsync(None);
            Assert.Equal(fx.Image.Config.RootFs.DiffIds[0], await Digest.ComputeAsync(layer, None));
        }
        Assert.Equal(fx.Image.Digest, (await images.OpenAsync("sk/layout:v1", null, None)).Digest);
        Assert.Empty(await StoreVerifier.VerifyAsync(content, images, None));
    }
}
