namespace Build.Engine.Export;

/// <summary>
/// Creates a file or directory under a temporary name next to its destination and renames it into
/// place only when complete, so an interrupted or failed export never leaves a half-written archive
/// that a later <c>docker load</c> would choke on.
/// </summary>
internal static class AtomicOutput
{
    public static async Task WriteFileAsync(string path, Func<FileStream, Task> write, CancellationToken ct)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string temp = Path.Combine(dir, "." + Path.GetFileName(full) + ".tmp-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            await using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                await write(fs).ConfigureAwait(false);
                await fs.FlushAsync(ct).ConfigureAwait(false);
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public static async Task WriteBytesAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken ct) =>
        await WriteFileAsync(path, fs => fs.WriteAsync(bytes, ct).AsTask(), ct).ConfigureAwait(false);
}
