namespace Build.Cli;

/// <summary>Writes output files (iidfile, metrics) via a temp file and rename, so a reader never sees half a file.</summary>
internal static class AtomicFile
{
    public static Task WriteAllTextAsync(string path, string text, CancellationToken ct) =>
        WriteAsync(path, async s => await s.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), ct).ConfigureAwait(false), ct);

    public static async Task WriteAsync(string path, Func<Stream, Task> write, CancellationToken ct)
    {
        string full = Path.GetFullPath(path);
        string tmp = full + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            await using (var f = File.Create(tmp))
            {
                await write(f).ConfigureAwait(false);
                await f.FlushAsync(ct).ConfigureAwait(false);
            }
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            File.Delete(tmp);
        }
    }
}
