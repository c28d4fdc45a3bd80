using System.Buffers.Binary;
using System.Text;
using Build.Engine.Errors;

namespace Build.Engine.Export;

/// <summary>
/// Writes the container tar of an oci-archive or docker-archive (not a layer): plain ustar entries
/// with mode 0644/0755, uid/gid 0, no user names and mtime 0, so the same image gives the same
/// archive bytes. Entries whose size is not known in advance (a layer being decompressed) get a
/// placeholder header that is rewritten once the data is written, which needs a seekable output.
/// </summary>
internal sealed class TarArchiveWriter(Stream output) : IAsyncDisposable
{
    private const int Block = 512;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public bool Contains(string name) => _names.Contains(name);

    public async Task AddDirectoryAsync(string name, CancellationToken ct)
    {
        if (!_names.Add(name.TrimEnd('/') + "/"))
            return;
        await output.WriteAsync(Header(name.TrimEnd('/') + "/", 0, (byte)'5', "0000755"), ct).ConfigureAwait(false);
    }

    public async Task AddFileAsync(string name, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        if (!_names.Add(name))
            return;
        await output.WriteAsync(Header(name, content.Length, (byte)'0', "0000644"), ct).ConfigureAwait(false);
        await output.WriteAsync(content, ct).ConfigureAwait(false);
        await PadAsync(content.Length, ct).ConfigureAwait(false);
    }

    /// <summary>Copies <paramref name="content"/> to its end; returns the number of bytes written.</summary>
    public async Task<long> AddStreamAsync(string name, Stream content, CancellationToken ct)
    {
        if (!_names.Add(name))
            return -1;
        long headerAt = output.Position;
        await output.WriteAsync(new byte[Block], ct).ConfigureAwait(false);
        long start = output.Position;
        await content.CopyToAsync(output, 1 << 16, ct).ConfigureAwait(false);
        long size = output.Position - start;
        await PadAsync(size, ct).ConfigureAwait(false);
        long end = output.Position;
        output.Position = headerAt;
        await output.WriteAsync(Header(name, size, (byte)'0', "0000644"), ct).ConfigureAwait(false);
        output.Position = end;
        return size;
    }

    private async Task PadAsync(long size, CancellationToken ct)
    {
        int pad = (int)((Block - (size % Block)) % Block);
        if (pad > 0)
            await output.WriteAsync(new byte[pad], ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        // The end-of-archive marker: two zero blocks.
        await output.WriteAsync(new byte[2 * Block]).ConfigureAwait(false);
        await output.FlushAsync().ConfigureAwait(false);
    }

    private static byte[] Header(string name, long size, byte type, string mode)
    {
        byte[] h = new byte[Block];
        string prefix = "";
        if (Encoding.UTF8.GetByteCount(name) > 100)
        {
            // ustar splits long names at a slash into a 155-byte prefix and a 100-byte name.
            int cut = name.LastIndexOf('/', Math.Min(name.Length - 1, 155));
            if (cut <= 0 || Encoding.UTF8.GetByteCount(name[(cut + 1)..]) > 100)
                throw new BuildException(ErrorCode.InvalidArgument, $"archive entry name too long: {name}");
            prefix = name[..cut];
            name = name[(cut + 1)..];
        }
        Encoding.UTF8.GetBytes(name, h.AsSpan(0, 100));
        Ascii(h, 100, mode + "\0");
        Ascii(h, 108, "0000000\0");
        Ascii(h, 116, "0000000\0");
        if (size <= 0x1_FFFF_FFFFL)
        {
            Ascii(h, 124, Convert.ToString(size, 8).PadLeft(11, '0') + "\0");
        }
        else
        {
            // GNU base-256 for sizes of 8 GiB and more (understood by Go's archive/tar, GNU tar, .NET).
            h[124] = 0x80;
            BinaryPrimitives.WriteInt64BigEndian(h.AsSpan(128, 8), size);
        }
        Ascii(h, 136, "00000000000\0");
        h[156] = type;
        Ascii(h, 257, "ustar\0");
        Ascii(h, 263, "00");
        Encoding.UTF8.GetBytes(prefix, h.AsSpan(345, 155));
        h.AsSpan(148, 8).Fill((byte)' ');
        int sum = 0;
        foreach (byte b in h)
            sum += b;
        Ascii(h, 148, Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ");
        return h;
    }

    private static void Ascii(byte[] h, int offset, string text) => Encoding.ASCII.GetBytes(text, h.AsSpan(offset));
}
