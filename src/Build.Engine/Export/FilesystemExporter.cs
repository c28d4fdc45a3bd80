using Build.Engine.Archive;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Export;

/// <summary>
/// <c>--output type=local</c> and <c>type=tar</c>: the image's final filesystem (its layers applied in order,
/// whiteouts honoured) into a directory, or as one tar (to a file or stdout).
/// </summary>
public static class FilesystemExporter
{
    public static async Task ExportAsync(IImage image, ExportTarget target, CancellationToken ct)
    {
        string dest = target.Destination ?? throw new BuildException(ErrorCode.InvalidArgument, "--output: dest= is required for local and tar outputs");
        if (target.Type == ExportType.Local)
        {
            Directory.CreateDirectory(dest);
            await ApplyLayersAsync(image, dest, ct).ConfigureAwait(false);
            return;
        }
        string tmpDir = Path.Combine(Path.GetTempPath(), "builder-fs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(tmpDir);
        try
        {
            await ApplyLayersAsync(image, tmpDir, ct).ConfigureAwait(false);
            if (dest == "-")
            {
                await using var stdout = Console.OpenStandardOutput();
                await LayerWriter.WriteAsync(LayerSource.FromDirectory(tmpDir), stdout, new LayerWriteOptions { Compression = LayerCompression.None }, ct).ConfigureAwait(false);
                return;
            }
            string part = dest + ".part-" + Guid.NewGuid().ToString("N")[..8];
            try
            {
                await using (var file = File.Create(part))
                    await LayerWriter.WriteAsync(LayerSource.FromDirectory(tmpDir), file, new LayerWriteOptions { Compression = LayerCompression.None }, ct).ConfigureAwait(false);
                File.Move(part, dest, overwrite: true);
            }
            finally
            {
                File.Delete(part);
            }
        }
        finally
        {
            Directory.Delete(tmpDir, recursive: true);
        }
    }

    private static async Task ApplyLayersAsync(IImage image, string dir, CancellationToken ct)
    {
        foreach (var layer in image.Layers)
        {
            await using var stream = await layer.OpenCompressedAsync(ct).ConfigureAwait(false);
            await LayerUnpacker.ApplyAsync(stream, dir, new UnpackOptions { Whiteouts = WhiteoutMode.Apply }, ct).ConfigureAwait(false);
        }
    }
}
