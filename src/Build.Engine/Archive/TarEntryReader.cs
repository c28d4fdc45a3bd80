using System.Buffers;
using System.Globalization;
using System.Text;
using Build.Engine.Errors;

namespace Build.Engine.Archive;

/// <summary>
/// A forward-only tar reader for ustar, pax (local and global records, <c>SCHILY.xattr.*</c> and
/// <c>LIBARCHIVE.xattr.*</c>) and GNU long names. Written here rather than using the BCL TarReader
/// because that one decodes xattr values as UTF-8, which corrupts binary <c>security.capability</c>.
/// </summary>
internal sealed class TarEntryReader : IDisposable
{
    private const int BlockSize = 512;

    // Bounds on metadata records: real ones are a few hundred bytes; a hostile archive must not make us allocate gigabytes.
    private const int MaxMetadataSize = 16 << 20;

    private readonly Stream _stream;
    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(1 << 18);
    private readonly byte[] _block = new byte[BlockSize];
    private readonly Dictionary<string, byte[]> _globalPax = new(StringComparer.Ordinal);
    private int _bufPos;
    private int _bufLen;
    private long _remaining;
    private long _padding;
    private bool _ended;

    public TarEntryReader(Stream stream) => _stream = stream;

    public long BytesRead { get; private set; }

    /// <summary>The next entry, or null at the end of the archive. Unread data of the previous entry is skipped.</summary>
    public TarEntryHeader? Next()
    {
        if (_ended)
            return null;
        Skip(_remaining + _padding);
        _remaining = _padding = 0;

        Dictionary<string, byte[]>? pax = null;
        string? longName = null;
        string? longLink = null;
        while (true)
        {
            if (!TryReadBlock())
            {
                _ended = true;
                if (pax is not null || longName is not null || longLink is not null)
                    throw Invalid("archive ends after an extended header");
                return null;
            }
            if (_block.AsSpan().IndexOfAnyExcept((byte)0) < 0)
            {
                // End-of-archive marker (one zero block is enough; trailing data after it is ignored as GNU tar does).
                _ended = true;
                return null;
            }
            VerifyChecksum();
            byte type = _block[156];
            long size = ParseNumber(_block.AsSpan(124, 12), "size");
            if (size < 0)
                throw Invalid($"entry \"{RawName()}\" has a negative size");
            switch (type)
            {
                case (byte)'x':
                    pax ??= new Dictionary<string, byte[]>(StringComparer.Ordinal);
                    ParsePax(ReadMetadata(size), pax);
                    continue;
                case (byte)'g':
                    ParsePax(ReadMetadata(size), _globalPax);
                    continue;
                case (byte)'L':
                    longName = CString(ReadMetadata(size));
                    continue;
                case (byte)'K':
                    longLink = CString(ReadMetadata(size));
                    continue;
            }

            string name = longName ?? RawName();
            string link = longLink ?? CString(_block.AsSpan(157, 100));
            int mode = (int)(ParseNumber(_block.AsSpan(100, 8), "mode") & 0xFFF);
            long uid = ParseNumber(_block.AsSpan(108, 8), "uid");
            long gid = ParseNumber(_block.AsSpan(116, 8), "gid");
            var mtime = new UnixTimestamp(ParseNumber(_block.AsSpan(136, 12), "mtime"));
            int devMajor = (int)ParseNumber(_block.AsSpan(329, 8), "devmajor");
            int devMinor = (int)ParseNumber(_block.AsSpan(337, 8), "devminor");
            var xattrs = new List<KeyValuePair<string, byte[]>>();

            foreach (var records in new[] { _globalPax, pax })
            {
                if (records is null)
                    continue;
                foreach (var (key, value) in records)
                {
                    switch (key)
                    {
                        case "path": name = Encoding.UTF8.GetString(value); break;
                        case "linkpath": link = Encoding.UTF8.GetString(value); break;
                        case "size": size = PaxInteger(key, value); break;
                        case "uid": uid = PaxInteger(key, value); break;
                        case "gid": gid = PaxInteger(key, value); break;
                        case "mtime": mtime = ParsePaxTime(value); break;
                        default:
                            if (key.StartsWith("SCHILY.xattr.", StringComparison.Ordinal))
                                xattrs.Add(new(key["SCHILY.xattr.".Length..], value));
                            else if (key.StartsWith("LIBARCHIVE.xattr.", StringComparison.Ordinal))
                                xattrs.Add(new(Uri.UnescapeDataString(key["LIBARCHIVE.xattr.".Length..]), Convert.FromBase64String(Encoding.ASCII.GetString(value))));
                            else if (key.StartsWith("GNU.sparse.", StringComparison.Ordinal))
                                throw Invalid($"entry \"{name}\" is a GNU sparse file, which layers do not use");
                            break;
                    }
                }
            }
            if (type == (byte)'S')
                throw Invalid($"entry \"{name}\" is a GNU sparse file, which layers do not use");
            if (size < 0)
                throw Invalid($"entry \"{name}\" has a negative size");

            // Links, devices, directories and FIFOs carry no data whatever their size field says (pax:
            // a hardlink's size may describe the target); every other type's data is consumed or skipped.
            long dataSize = type is >= (byte)'1' and <= (byte)'6' ? 0 : size;
            _remaining = dataSize;
            _padding = (BlockSize - (dataSize % BlockSize)) % BlockSize;
            return new TarEntryHeader(name, type, mode, uid, gid, dataSize, mtime, link, devMajor, devMinor, xattrs);
        }
    }

    /// <summary>Reads the current entry's data; 0 at its end.</summary>
    public int ReadData(Span<byte> destination)
    {
        if (_remaining == 0)
            return 0;
        if (destination.Length > _remaining)
            destination = destination[..(int)_remaining];
        int n;
        if (_bufPos < _bufLen)
        {
            n = Math.Min(destination.Length, _bufLen - _bufPos);
            _buffer.AsSpan(_bufPos, n).CopyTo(destination);
            _bufPos += n;
        }
        else if (destination.Length >= _buffer.Length)
        {
            n = _stream.Read(destination);
        }
        else
        {
            Fill();
            n = Math.Min(destination.Length, _bufLen - _bufPos);
            _buffer.AsSpan(_bufPos, n).CopyTo(destination);
            _bufPos += n;
        }
        if (n <= 0)
            throw Invalid("archive is truncated inside an entry's data");
        _remaining -= n;
        BytesRead += n;
        return n;
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

    private bool TryReadBlock()
    {
        int got = 0;
        while (got < BlockSize)
        {
            if (_bufPos == _bufLen && !Fill())
            {
                if (got == 0)
                    return false;
                throw Invalid("archive is truncated inside a header");
            }
            int n = Math.Min(BlockSize - got, _bufLen - _bufPos);
            _buffer.AsSpan(_bufPos, n).CopyTo(_block.AsSpan(got));
            _bufPos += n;
            got += n;
        }
        BytesRead += BlockSize;
        return true;
    }

    private bool Fill()
    {
        _bufPos = 0;
        _bufLen = _stream.Read(_buffer, 0, _buffer.Length);
        return _bufLen > 0;
    }

    private void Skip(long count)
    {
        while (count > 0)
        {
            if (_bufPos == _bufLen && !Fill())
                throw Invalid("archive is truncated inside an entry's data");
            int n = (int)Math.Min(count, _bufLen - _bufPos);
            _bufPos += n;
            count -= n;
            BytesRead += n;
        }
    }

    private byte[] ReadMetadata(long size)
    {
        if (size > MaxMetadataSize)
            throw Invalid($"extended header of {size} bytes is larger than the {MaxMetadataSize}-byte limit");
        byte[] data = new byte[size];
        int got = 0;
        while (got < size)
        {
            if (_bufPos == _bufLen && !Fill())
                throw Invalid("archive is truncated inside an extended header");
            int n = (int)Math.Min(size - got, _bufLen - _bufPos);
            _buffer.AsSpan(_bufPos, n).CopyTo(data.AsSpan(got));
            _bufPos += n;
            got += n;
        }
        BytesRead += size;
        Skip((BlockSize - (size % BlockSize)) % BlockSize);
        return data;
    }

    private void VerifyChecksum()
    {
        long stored = ParseNumber(_block.AsSpan(148, 8), "checksum");
        long unsignedSum = 0;
        long signedSum = 0;
        for (int i = 0; i < BlockSize; i++)
        {
            byte b = i is >= 148 and < 156 ? (byte)' ' : _block[i];
            unsignedSum += b;
            signedSum += (sbyte)b;
        }
        if (stored != unsignedSum && stored != signedSum)
            throw Invalid($"header checksum mismatch at entry \"{RawName()}\" (not a tar archive, or corrupt)");
    }

    private string RawName()
    {
        string name = CString(_block.AsSpan(0, 100));
        // The prefix field exists only in POSIX ustar ("ustar\0"); old GNU headers use those bytes for other data.
        if (_block.AsSpan(257, 6).SequenceEqual("ustar\0"u8))
        {
            string prefix = CString(_block.AsSpan(345, 155));
            if (prefix.Length > 0)
                name = prefix + "/" + name;
        }
        return name;
    }

    private static string CString(ReadOnlySpan<byte> field)
    {
        int nul = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul < 0 ? field : field[..nul]);
    }

    private long ParseNumber(ReadOnlySpan<byte> field, string what)
    {
        if (field.Length > 0 && (field[0] & 0x80) != 0)
        {
            // GNU base-256: big-endian two's complement with the top bit of the first byte as the marker.
            long v = (field[0] & 0x40) != 0 ? -1 : 0;
            v = (v << 6) | (long)(field[0] & 0x3F);
            for (int i = 1; i < field.Length; i++)
            {
                if (i >= 9)
                    throw Invalid($"{what} field is too large");
                v = (v << 8) | field[i];
            }
            return v;
        }
        long value = 0;
        bool digits = false;
        foreach (byte b in field)
        {
            if (b is (byte)' ' or 0)
            {
                if (digits)
                    break;
                continue;
            }
            if (b is < (byte)'0' or > (byte)'7')
                throw Invalid($"{what} field of entry \"{CString(_block.AsSpan(0, 100))}\" is not an octal number");
            digits = true;
            value = checked((value << 3) | (long)(b - '0'));
        }
        return value;
    }

    private static void ParsePax(byte[] data, Dictionary<string, byte[]> into)
    {
        int pos = 0;
        while (pos < data.Length)
        {
            int space = Array.IndexOf(data, (byte)' ', pos);
            if (space < 0)
                throw Invalid("malformed pax record (no length)");
            if (!int.TryParse(Encoding.ASCII.GetString(data, pos, space - pos), NumberStyles.None, CultureInfo.InvariantCulture, out int len)
                || len <= space - pos + 1 || pos + len > data.Length || data[pos + len - 1] != (byte)'\n')
                throw Invalid("malformed pax record length");
            int eq = Array.IndexOf(data, (byte)'=', space + 1, pos + len - space - 1);
            if (eq < 0)
                throw Invalid("malformed pax record (no '=')");
            string key = Encoding.UTF8.GetString(data, space + 1, eq - space - 1);
            byte[] value = data.AsSpan(eq + 1, pos + len - eq - 2).ToArray();
            if (value.Length == 0)
                into.Remove(key); // an empty value deletes the keyword (pax spec)
            else
                into[key] = value;
            pos += len;
        }
    }

    private static long PaxInteger(string key, byte[] value) =>
        long.TryParse(Encoding.ASCII.GetString(value), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v)
            ? v
            : throw Invalid($"pax record {key} is not a number");

    internal static UnixTimestamp ParsePaxTime(byte[] value)
    {
        string s = Encoding.ASCII.GetString(value);
        bool negative = s.StartsWith('-');
        if (negative)
            s = s[1..];
        int dot = s.IndexOf('.', StringComparison.Ordinal);
        string whole = dot < 0 ? s : s[..dot];
        string frac = dot < 0 ? "" : s[(dot + 1)..];
        if (!long.TryParse(whole, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) || !frac.All(char.IsAsciiDigit))
            throw Invalid($"pax mtime \"{Encoding.ASCII.GetString(value)}\" is not a time");
        frac = frac.Length > 9 ? frac[..9] : frac.PadRight(9, '0');
        long nanos = long.Parse(frac, CultureInfo.InvariantCulture);
        if (negative)
        {
            if (nanos == 0)
                return new UnixTimestamp(-seconds);
            return new UnixTimestamp(-seconds - 1, (uint)(1_000_000_000 - nanos));
        }
        return new UnixTimestamp(seconds, (uint)nanos);
    }

    private static BuildException Invalid(string message) => new(ErrorCode.InvalidArchive, "invalid layer archive: " + message);
}
