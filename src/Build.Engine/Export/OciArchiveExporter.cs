using Build.Engine.Content;
using Build.Engine.Oci;

namespace Build.Engine.Export;

/// <summary>Saves an image as an OCI image layout inside a tar file (skopeo's <c>oci-archive:</c>), written atomically.</summary>
public sealed class OciArchiveExporter(string file) : IImageExporter
{
    public Task ExportAsync(IImage image, IReadOnlyList<ImageReference> names, CancellationToken ct) =>
        AtomicOutput.WriteFileAsync(file, async fs =>
        {
            await using var tar = new TarArchiveWriter(fs);
            await tar.AddFileAsync("oci-layout", OciJson.Serialize(new OciLayoutHeader(), OciJson.Context.OciLayoutHeader), ct).ConfigureAwait(false);
            await tar.AddDirectoryAsync("blobs", ct).ConfigureAwait(false);
            await tar.AddDirectoryAsync("blobs/sha256", ct).ConfigureAwait(false);
            foreach (var (d, open) in OciLayoutIndex.Blobs(image))
            {
                await using var source = new HashingReadStream(await open(ct).ConfigureAwait(false));
                await tar.AddStreamAsync($"blobs/{d.Digest.Algorithm}/{d.Digest.Hex}", source, ct).ConfigureAwait(false);
                source.Verify(d.Digest, "blob");
            }
            var index = OciLayoutIndex.Merge(null, OciLayoutIndex.EntriesFor(image, names));
            await tar.AddFileAsync("index.json", OciJson.Serialize(index), ct).ConfigureAwait(false);
        }, ct);
}
