using System.Buffers;
using System.Globalization;
using System.Text;
using Build.Engine.Errors;
using Microsoft.Win32.SafeHandles;

namespace Build.Engine.Archive;

/// <summary>
/// Writes a POSIX pax tar whose bytes depend only on the entries: numeric uid/gid without user or
/// group names, no atime/ctime, a fixed extended-header name (no pid, unlike GNU tar and the BCL's
/// TarWriter), xattrs as <c>SCHILY.xattr.NAME</c> records holding the raw value bytes, and mtimes with
/// nanoseconds (pax <c>mtime</c>) or clamped to SOURCE_DATE_EPOCH. Plain ustar headers are used whenever
/// the entry fits in one, as Go's archive/tar (BuildKit) does, so simple layers stay small.
/// </summary>
/// <remarks>
/// The writer does not sort: it writes entries in the order given (<see cref="LayerSource"/> sorts).
/// File content is read with blocking calls, which on Linux is what async file I/O does anyway;
/// <see cref="LayerWriter"/> runs the writer on its own thread.
/// </remarks>
public sealed class DeterministicTarWriter
{
    private const int BlockSize = 512;
    private const long MaxOctal7 = 0x1FFFFF; // 07777777
    private const long MaxOctal11 = 0x1FFFFFFFF; // 077777777777

    private readonly Stream _output;
    private readonly UnixTimestamp? _sourceDateEpoch;
    private readonly byte[] _header = new byte[BlockSize];
    private readonly byte[] _zeros = new byte[BlockSize * 2];
    private byte[]? _copyBuffer;

    public DeterministicTarWriter(Stream output, UnixTimestamp? sourceDateEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _sourceDateEpoch = sourceDateEpoch;
    }

    /// <summary>Tar bytes written so far, including padding and headers.</summary>
    public long BytesWritten { get; private set; }

    public int EntryCount { get; private set; }

    public void WriteEntry(LayerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string path = ArchivePath.Normalize(entry.Path, entry.Path);
        if (path.Length == 0)
            throw new BuildException(ErrorCode.InvalidArgument, $"layer entry \"{entry.Path}\" names the root");
        if (entry.Type == LayerEntryType.Directory)
            path += "/";

        var mtime = entry.ModificationTime;
        if (_sourceDateEpoch is { } epoch && mtime > epoch)
            mtime = epoch;
        long size = entry.ContentLength;
        string link = entry.Type is LayerEntryType.Symlink or LayerEntryType.Hardlink ? entry.LinkTarget ?? "" : "";
        if (entry.Type == LayerEntryType.Hardlink)
            link = ArchivePath.Normalize(link, entry.Path);

        // Records in a fixed order (then xattrs by name) so equal entries give equal bytes.
        var pax = new List<(string Key, byte[] Value)>();
        byte[] pathBytes = Encoding.UTF8.GetBytes(path);
        bool pathFits = TrySplitUstarName(pathBytes, out int split);
        if (!pathFits)
            pax.Add(("path", pathBytes));
        byte[] linkBytes = Encoding.UTF8.GetBytes(link);
        bool linkFits = linkBytes.Length <= 100 && IsAscii(linkBytes);
        if (!linkFits)
            pax.Add(("linkpath", linkBytes));
        if (size > MaxOctal11)
            pax.Add(("size", Ascii(size.ToString(CultureInfo.InvariantCulture))));
        if (entry.Uid < 0 || entry.Gid < 0)
            throw new BuildException(ErrorCode.InvalidArgument, $"layer entry \"{path}\" has a negative uid or gid");
        if (entry.Uid > MaxOctal7)
            pax.Add(("uid", Ascii(entry.Uid.ToString(CultureInfo.InvariantCulture))));
        if (entry.Gid > MaxOctal7)
            pax.Add(("gid", Ascii(entry.Gid.ToString(CultureInfo.InvariantCulture))));
        if (mtime.Nanoseconds != 0 || mtime.Seconds < 0 || mtime.Seconds > MaxOctal11)
            pax.Add(("mtime", Ascii(FormatPaxTime(mtime))));
        foreach (var (name, value) in entry.Xattrs)
            pax.Add(("SCHILY.xattr." + name, value.AsSpan().ToArray()));

        if (pax.Count > 0)
            WritePaxHeader(path, pax);

        Array.Clear(_header);
        if (pathFits)
        {
            if (split < 0)
                pathBytes.CopyTo(_header, 0);
            else
            {
                pathBytes.AsSpan(split + 1).CopyTo(_header);
                pathBytes.AsSpan(0, split).CopyTo(_header.AsSpan(345));
            }
        }
        else
        {
            AsciiTruncated(path, _header.AsSpan(0, 100));
        }
        WriteOctal(_header.AsSpan(100, 8), entry.Mode & 0xFFF);
        WriteOctal(_header.AsSpan(108, 8), Math.Min(entry.Uid, MaxOctal7));
        WriteOctal(_header.AsSpan(116, 8), Math.Min(entry.Gid, MaxOctal7));
        WriteOctal(_header.AsSpan(124, 12), size > MaxOctal11 ? 0 : size);
        WriteOctal(_header.AsSpan(136, 12), Math.Clamp(mtime.Seconds, 0, MaxOctal11));
        _header[156] = entry.Type switch
        {
            LayerEntryType.RegularFile => (byte)'0',
            LayerEntryType.Hardlink => (byte)'1',
            LayerEntryType.Symlink => (byte)'2',
            LayerEntryType.CharDevice => (byte)'3',
            LayerEntryType.BlockDevice => (byte)'4',
            LayerEntryType.Directory => (byte)'5',
            LayerEntryType.Fifo => (byte)'6',
            _ => throw new BuildException(ErrorCode.InvalidArgument, $"layer entry \"{path}\" has an unknown type"),
        };
        if (linkFits)
            linkBytes.CopyTo(_header, 157);
        else
            AsciiTruncated(link, _header.AsSpan(157, 100));
        WriteUstarMagic();
        if (entry.Type is LayerEntryType.CharDevice or LayerEntryType.BlockDevice)
        {
            if (entry.DeviceMajor is < 0 or > (int)MaxOctal7 || entry.DeviceMinor is < 0 or > (int)MaxOctal7)
                throw new BuildException(ErrorCode.InvalidArgument, $"layer entry \"{path}\" has a device number tar cannot hold");
            WriteOctal(_header.AsSpan(329, 8), entry.DeviceMajor);
            WriteOctal(_header.AsSpan(337, 8), entry.DeviceMinor);
        }
        WriteChecksum();
        Emit(_header);

        if (entry.Type == LayerEntryType.RegularFile)
            WriteContent(entry, path, size);
        EntryCount++;
    }

    /// <summary>Writes the end-of-archive marker (two zero blocks) and flushes.</summary>
    public void Finish()
    {
        Emit(_zeros);
        _output.Flush();
        if (_copyBuffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_copyBuffer);
            _copyBuffer = null;
        }
    }

    private void WriteContent(LayerEntry entry, string path, long size)
    {
        if (entry.Content is { } content)
        {
            Emit(content.Span);
        }
        else if (entry.SourcePath is { } source)
        {
            _copyBuffer ??= ArrayPool<byte>.Shared.Rent(1 << 20);
            SafeFileHandle handle;
            try
            {
                handle = File.OpenHandle(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.SequentialScan);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new BuildException(ErrorCode.Io, $"cannot read \"{source}\" for layer entry \"{path}\": {ex.Message}", ex);
            }
            using (handle)
            {
                long offset = 0;
                while (offset < size)
                {
                    int want = (int)Math.Min(_copyBuffer.Length, size - offset);
                    int n = RandomAccess.Read(handle, _copyBuffer.AsSpan(0, want), offset);
                    if (n <= 0)
                        throw new BuildException(ErrorCode.Io, $"\"{source}\" shrank while its layer entry \"{path}\" was written");
                    Emit(_copyBuffer.AsSpan(0, n));
                    offset += n;
                }
            }
        }
        else if (size != 0)
        {
            throw new BuildException(ErrorCode.InvalidArgument, $"layer entry \"{path}\" has a size but no content");
        }
        int pad = (int)((BlockSize - (size % BlockSize)) % BlockSize);
        if (pad > 0)
            Emit(_zeros.AsSpan(0, pad));
    }

    private void WritePaxHeader(string path, List<(string Key, byte[] Value)> records)
    {
        // Each record is "<len> <key>=<value>\n" where <len> counts the whole record, its own digits included.
        var body = new ArrayBufferWriter<byte>();
        foreach (var (key, value) in records)
        {
            int keyLen = Encoding.UTF8.GetByteCount(key);
            int rest = 1 + keyLen + 1 + value.Length + 1;
            int len = rest + 1;
            while (len.ToString(CultureInfo.InvariantCulture).Length + rest != len)
                len++;
            body.Write(Ascii(len.ToString(CultureInfo.InvariantCulture)));
            body.Write(" "u8);
            body.Write(Encoding.UTF8.GetBytes(key));
            body.Write("="u8);
            body.Write(value);
            body.Write("\n"u8);
        }

        Array.Clear(_header);
        // A fixed name: GNU tar puts its pid here, which alone makes two runs differ.
        string baseName = path.TrimEnd('/');
        baseName = baseName[(baseName.LastIndexOf('/') + 1)..];
        AsciiTruncated("PaxHeaders.0/" + baseName, _header.AsSpan(0, 100));
        WriteOctal(_header.AsSpan(100, 8), 0b110_100_100);
        WriteOctal(_header.AsSpan(108, 8), 0);
        WriteOctal(_header.AsSpan(116, 8), 0);
        WriteOctal(_header.AsSpan(124, 12), body.WrittenCount);
        WriteOctal(_header.AsSpan(136, 12), 0);
        _header[156] = (byte)'x';
        WriteUstarMagic();
        WriteChecksum();
        Emit(_header);
        Emit(body.WrittenSpan);
        int pad = (BlockSize - (body.WrittenCount % BlockSize)) % BlockSize;
        if (pad > 0)
            Emit(_zeros.AsSpan(0, pad));
    }

    private void Emit(ReadOnlySpan<byte> data)
    {
        _output.Write(data);
        BytesWritten += data.Length;
    }

    private void WriteUstarMagic()
    {
        "ustar\0"u8.CopyTo(_header.AsSpan(257));
        "00"u8.CopyTo(_header.AsSpan(263));
    }

    private void WriteChecksum()
    {
        "        "u8.CopyTo(_header.AsSpan(148));
        int sum = 0;
        foreach (byte b in _header)
            sum += b;
        WriteOctal(_header.AsSpan(148, 7), sum);
        _header[155] = (byte)' ';
    }

    /// <summary>Zero-padded octal digits filling all but the last byte of the field, which stays NUL.</summary>
    private static void WriteOctal(Span<byte> field, long value)
    {
        int digits = field.Length - 1;
        for (int i = digits - 1; i >= 0; i--)
        {
            field[i] = (byte)('0' + (value & 7));
            value >>= 3;
        }
        field[digits] = 0;
    }

    /// <summary>
    /// Whether the path fits the ustar name (100 bytes) or prefix (155) + name fields; <paramref name="split"/>
    /// is the index of the '/' separating prefix and name, or -1 when the name field alone suffices.
    /// </summary>
    private static bool TrySplitUstarName(byte[] path, out int split)
    {
        split = -1;
        if (!IsAscii(path))
            return false;
        if (path.Length <= 100)
            return true;
        if (path.Length > 256)
            return false;
        // The name part of a directory path keeps its trailing slash; search separators before it.
        for (int i = Math.Min(155, path.Length - 2); i >= 0; i--)
        {
            if (path[i] == (byte)'/' && path.Length - i - 1 <= 100 && path.Length - i - 1 > 0)
            {
                if (i == 0)
                    return false;
                split = i;
                return true;
            }
        }
        return false;
    }

    private static bool IsAscii(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            if (b is 0 or >= 0x80)
                return false;
        }
        return true;
    }

    private static void AsciiTruncated(string s, Span<byte> field)
    {
        int n = 0;
        foreach (char c in s)
        {
            if (n == field.Length)
                break;
            field[n++] = c is > '\0' and < (char)0x80 ? (byte)c : (byte)'_';
        }
    }

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    /// <summary>pax time: decimal seconds with the fraction's trailing zeros dropped (e.g. 1700000000.5, -1.25).</summary>
    internal static string FormatPaxTime(UnixTimestamp t)
    {
        if (t.Nanoseconds == 0)
            return t.Seconds.ToString(CultureInfo.InvariantCulture);
        long seconds = t.Seconds;
        long nanos = t.Nanoseconds;
        string sign = "";
        if (seconds < 0)
        {
            // -2 s + 0.75 s = -1.25 s
            sign = "-";
            seconds = -(seconds + 1);
            nanos = 1_000_000_000 - nanos;
        }
        string frac = nanos.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        return $"{sign}{seconds.ToString(CultureInfo.InvariantCulture)}.{frac}";
    }
}
