using Build.Engine.Content;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Export;

/// <summary>
/// Saves an image as an OCI image layout directory. A new directory is built under a temporary
/// name and renamed into place; an existing layout is added to (blobs are written atomically and
/// idempotently, index.json is replaced atomically), as <c>skopeo copy … oci:DIR:TAG</c> does.
/// </summary>
public sealed class OciLayoutExporter(string directory) : IImageExporter
{
    public async Task ExportAsync(IImage image, IReadOnlyList<ImageReference> names, CancellationToken ct)
    {
        string dir = Path.GetFullPath(directory);
        bool exists = Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any();
        if (exists)
        {
            if (!File.Exists(Path.Combine(dir, "oci-layout")))
                throw new BuildException(ErrorCode.InvalidArgument, $"{dir} exists and is not an OCI image layout (no oci-layout file)");
            await WriteIntoAsync(dir, image, names, ct).ConfigureAwait(false);
            return;
        }
        string parent = Path.GetDirectoryName(dir)!;
        Directory.CreateDirectory(parent);
        string temp = Path.Combine(parent, "." + Path.GetFileName(dir) + ".tmp-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            await WriteIntoAsync(temp, image, names, ct).ConfigureAwait(false);
            if (Directory.Exists(dir))
                Directory.Delete(dir); // empty, checked above
            Directory.Move(temp, dir);
        }
        finally
        {
            if (Directory.Exists(temp))
                Directory.Delete(temp, recursive: true);
        }
    }

    private static async Task WriteIntoAsync(string dir, IImage image, IReadOnlyList<ImageReference> names, CancellationToken ct)
    {
        foreach (var (d, open) in OciLayoutIndex.Blobs(image))
            await WriteBlobAsync(dir, d, open, ct).ConfigureAwait(false);
        string indexPath = Path.Combine(dir, "index.json");
        ImageIndex? existing = File.Exists(indexPath)
            ? OciJson.ReadIndex(await File.ReadAllBytesAsync(indexPath, ct).ConfigureAwait(false), indexPath)
            : null;
        var index = OciLayoutIndex.Merge(existing, OciLayoutIndex.EntriesFor(image, names));
        await AtomicOutput.WriteBytesAsync(Path.Combine(dir, "oci-layout"), OciJson.Serialize(new OciLayoutHeader(), OciJson.Context.OciLayoutHeader), ct).ConfigureAwait(false);
        await AtomicOutput.WriteBytesAsync(indexPath, OciJson.Serialize(index), ct).ConfigureAwait(false);
    }

    // go-containerregistry's writeBlob habit: existing blob → done; else temp file in the same
    // directory, hash while copying, verify, rename.
    private static async Task WriteBlobAsync(string dir, Descriptor d, Func<CancellationToken, Task<Stream>> open, CancellationToken ct)
    {
        string blobDir = Path.Combine(dir, "blobs", d.Digest.Algorithm);
        string final = Path.Combine(blobDir, d.Digest.Hex);
        if (File.Exists(final))
            return;
        Directory.CreateDirectory(blobDir);
        await AtomicOutput.WriteFileAsync(final, async fs =>
        {
            await using var source = new HashingReadStream(await open(ct).ConfigureAwait(false));
            await source.CopyToAsync(fs, 1 << 16, ct).ConfigureAwait(false);
            source.Verify(d.Digest, "blob");
        }, ct).ConfigureAwait(false);
    }
}
