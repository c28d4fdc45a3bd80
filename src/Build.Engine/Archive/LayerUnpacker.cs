using System.IO.Compression;
using Build.Engine.Archive.Native;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Archive;

/// <summary>
/// Applies a layer (gzip, zstd or plain tar, detected by magic) onto a directory without ever reading or
/// writing outside it. See docs/layers.md for the rules; in short: paths are cleaned lexically and a
/// <c>..</c> that climbs above the root is refused; a leading '/' is stripped; directories on an entry's
/// path are opened one component at a time with O_NOFOLLOW, and a symlink met there is resolved inside
/// the root (absolute targets start at the root, a relative target that climbs above it is refused);
/// the final component is never followed (an existing symlink there is replaced, not written through).
/// </summary>
public static class LayerUnpacker
{
    public static async Task<UnpackStats> ApplyAsync(Stream layer, string rootDir, UnpackOptions? options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(rootDir);
        options ??= new UnpackOptions();
        return await Task.Factory.StartNew(
            () => Apply(layer, rootDir, options, ct),
            ct,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).ConfigureAwait(false);
    }

    private static UnpackStats Apply(Stream layer, string rootDir, UnpackOptions options, CancellationToken ct)
    {
        var (tarStream, compression) = OpenDecompressed(layer);
        using (tarStream)
        using (var reader = new TarEntryReader(tarStream))
        using (var session = new UnpackSession(rootDir, options, compression))
        {
            while (reader.Next() is { } header)
            {
                ct.ThrowIfCancellationRequested();
                session.Apply(header, reader);
            }
            session.Finish();
            // Read to the end of the compressed stream: its checksum (gzip CRC-32, zstd content checksum)
            // is only verified there, and corruption that happened to look like an end marker must not pass.
            tarStream.CopyTo(Stream.Null);
            return session.Stats();
        }
    }

    /// <summary>Picks the decoder from the first bytes: 1f 8b is gzip, 28 b5 2f fd is zstd, anything else plain tar.</summary>
    private static (Stream Stream, string Compression) OpenDecompressed(Stream layer)
    {
        byte[] magic = new byte[4];
        int got = 0;
        while (got < magic.Length)
        {
            int n = layer.Read(magic, got, magic.Length - got);
            if (n == 0)
                break;
            got += n;
        }
        var prefixed = new PrefixedStream(magic.AsMemory(0, got), layer);
        if (got >= 2 && magic[0] == 0x1f && magic[1] == 0x8b)
            return (new ReadAheadStream(new GZipStream(prefixed, CompressionMode.Decompress)), "gzip");
        if (got == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd)
            return (new ReadAheadStream(new ZstdStream(prefixed)), "zstd");
        return (prefixed, "none");
    }
}
