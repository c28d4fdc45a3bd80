using Build.Engine.Archive;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Content;

/// <summary>
/// <c>builder import</c> (like <c>docker import</c>): a one-layer image from a root filesystem given
/// as a directory (written with the deterministic layer writer) or as a tar (stored gzip'd as is).
/// The config carries the platform and one history entry; the time is passed in, never read here.
/// </summary>
public static class RootfsImporter
{
    public static async Task<ImportedImage> ImportAsync(ImageStore images, string path, ImageReference? name, RootfsImportOptions options, CancellationToken ct)
    {
        var content = images.Content;
        Digest diffId;
        Descriptor blob;
        if (Directory.Exists(path))
        {
            LayerWriteResult written;
            await using (var writer = content.OpenWriter())
            {
                written = await LayerWriter.WriteAsync(LayerSource.FromDirectory(path), writer, options.Layer, ct).ConfigureAwait(false);
                await writer.CommitAsync(written.Digest, ct).ConfigureAwait(false);
            }
            diffId = written.DiffId;
            blob = new Descriptor { MediaType = written.MediaType, Digest = written.Digest, Size = written.Size };
        }
        else if (File.Exists(path))
        {
            Stream input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            byte[] magic = new byte[4];
            int n = await input.ReadAtLeastAsync(magic, 4, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            input.Position = 0;
            // A zstd tarball is decompressed and re-stored gzip'd (gzip input is kept as it is).
            if (n == 4 && magic is [0x28, 0xb5, 0x2f, 0xfd])
                input = LayerMediaTypes.OpenDecompressed(input, MediaTypes.OciLayerZstd);
            await using var _ = input;
            var stored = await LayerIngest.StoreAsync(content, input, ct).ConfigureAwait(false);
            diffId = stored.DiffId;
            blob = stored.Blob.ToDescriptor(stored.MediaType);
        }
        else
        {
            throw new BuildException(ErrorCode.NotFound, $"{path}: no such file or directory");
        }

        var layer = new StoredLayer(content, blob, diffId);
        var image = Mutate.AppendLayer(EmptyImage.For(options.Platform), layer, new HistoryEntry
        {
            Created = options.Created,
            CreatedBy = "builder import " + Path.GetFileName(Path.TrimEndingDirectorySeparator(path)),
            Comment = "import",
        });
        image = Mutate.WithCreated(image, options.Created);
        if (options.Change is not null)
            image = Mutate.WithConfig(image, options.Change);
        var names = name is null ? Array.Empty<ImageReference>() : [name];
        var descriptor = await images.PutImageAsync(image, names, ct).ConfigureAwait(false);
        return new ImportedImage(descriptor, image.ConfigDigest(), names);
    }
}
