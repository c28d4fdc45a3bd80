using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Build.Engine.Errors;
using Build.Engine.Oci;
using Microsoft.Win32.SafeHandles;

namespace Build.Engine.Caching;

/// <summary>
/// Content digest of a COPY/ADD selection: a pure function of the target paths, entry types, permission bits
/// (<c>mode &amp; 07777</c>), symlink targets, device numbers and file contents. Never of mtimes, owners or host paths:
/// the same files give the same digest on every machine, which is what lets a cache key be shared.
/// </summary>
/// <remarks>
/// Preimage: the UTF-8 bytes of <c>builder-filetree-v1\0</c>, then for each entry in ordinal order of target path
/// (ties keep selection order) the record <c>type \0 path \0 mode \0 payload \0</c> where type is one of
/// <c>f d l p s c b</c>, mode is four octal digits or <c>-</c> when permissions are excluded, and payload is
/// <c>sha256:&lt;hex&gt;</c> of a file's bytes, a symlink's target, <c>major:minor</c> of a device, or empty. No field can
/// contain NUL (Linux paths and link targets cannot), so the encoding is unambiguous.
/// </remarks>
public sealed class FileTreeHasher
{
    private const string Scheme = "builder-filetree-v1";
    private const int BufferSize = 128 * 1024;

    private readonly StatCache? _statCache;

    public FileTreeHasher(StatCache? statCache = null) => _statCache = statCache;

    /// <summary>Hashes <paramref name="entries"/> of <paramref name="context"/>; reads only files the stat cache cannot vouch for.</summary>
    public async Task<FileTreeDigest> HashAsync(BuildContext context, IReadOnlyList<SelectedEntry> entries, FileTreeHashOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(options);
        StatCache? cache = _statCache;
        if (cache is not null && cache.ContextRoot != context.Root)
            throw new ArgumentException($"stat cache belongs to {cache.ContextRoot}, not {context.Root}", nameof(context));
        DateTimeOffset startedAt = (cache?.Time ?? TimeProvider.System).GetUtcNow();

        // Stable order independent of how the selection was produced (a stable sort keeps duplicates in copy order).
        SelectedEntry[] ordered = [.. entries];
        if (!IsSortedByTarget(ordered))
        {
            var index = new int[ordered.Length];
            for (int i = 0; i < index.Length; i++)
                index[i] = i;
            var byTarget = (SelectedEntry[])ordered.Clone();
            Array.Sort(index, (x, y) => string.CompareOrdinal(byTarget[x].TargetPath, byTarget[y].TargetPath) is var c && c != 0 ? c : x.CompareTo(y));
            for (int i = 0; i < index.Length; i++)
                ordered[i] = byTarget[index[i]];
        }

        var contents = new byte[]?[ordered.Length];
        var toRead = new List<int>();
        int fromCache = 0;
        for (int i = 0; i < ordered.Length; i++)
        {
            ContextEntry src = ordered[i].Source;
            if (src.Type != ContextEntryType.File)
                continue;
            if (cache is not null && cache.TryGet(src.Path, src.Stamp, out byte[] sha))
            {
                contents[i] = sha;
                fromCache++;
            }
            else
            {
                toRead.Add(i);
            }
        }

        long bytes = 0;
        if (toRead.Count > 0)
        {
            await Parallel.ForEachAsync(toRead, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount }, async (i, token) =>
            {
                ContextEntry src = ordered[i].Source;
                (byte[] sha, FileStamp stamp, long read) = await HashFileAsync(context, src, token).ConfigureAwait(false);
                contents[i] = sha;
                Interlocked.Add(ref bytes, read);
                cache?.Put(src.Path, stamp, sha, startedAt);
            }).ConfigureAwait(false);
        }

        // One pass over the records for the total; the per-entry digests (only explanations and cache records of a
        // miss read them) are computed when first asked for, so a cache hit does not pay for 5,000 of them.
        using var total = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        total.AppendData(Encoding.UTF8.GetBytes(Scheme + "\0"));
        var record = new ArrayBufferWriter<byte>(256);
        bool includePermissions = options.IncludePermissions;
        for (int i = 0; i < ordered.Length; i++)
        {
            record.ResetWrittenCount();
            WriteRecord(record, ordered[i], contents[i], includePermissions);
            total.AppendData(record.WrittenSpan);
        }
        var stats = new HashStatistics(toRead.Count, bytes, fromCache);
        return new FileTreeDigest(Digest.FromSha256(total.GetHashAndReset()), new LazyEntries(ordered, contents, includePermissions), stats);
    }

    private static bool IsSortedByTarget(SelectedEntry[] entries)
    {
        for (int i = 1; i < entries.Length; i++)
        {
            if (string.CompareOrdinal(entries[i - 1].TargetPath, entries[i].TargetPath) > 0)
                return false;
        }
        return true;
    }

    // type \0 path \0 mode \0 payload \0 (see the class remarks), written straight into the buffer.
    private static void WriteRecord(ArrayBufferWriter<byte> w, SelectedEntry sel, byte[]? content, bool includePermissions)
    {
        ContextEntry src = sel.Source;
        Append(w, TypeCode(src.Type));
        Append(w, sel.TargetPath);
        if (includePermissions && src.Mode is >= 0 and <= 0xFFF)
        {
            Span<byte> mode = w.GetSpan(5);
            int m = src.Mode;
            mode[0] = (byte)('0' + ((m >> 9) & 7));
            mode[1] = (byte)('0' + ((m >> 6) & 7));
            mode[2] = (byte)('0' + ((m >> 3) & 7));
            mode[3] = (byte)('0' + (m & 7));
            mode[4] = 0;
            w.Advance(5);
        }
        else
        {
            Append(w, includePermissions ? Convert.ToString(src.Mode, 8).PadLeft(4, '0') : "-");
        }
        switch (src.Type)
        {
            case ContextEntryType.File:
                Span<byte> payload = w.GetSpan(7 + 64 + 1);
                "sha256:"u8.CopyTo(payload);
                WriteHex(content!, payload[7..]);
                payload[71] = 0;
                w.Advance(72);
                break;
            case ContextEntryType.Symlink:
                Append(w, src.LinkTarget ?? "");
                break;
            case ContextEntryType.CharDevice or ContextEntryType.BlockDevice:
                Append(w, string.Create(CultureInfo.InvariantCulture, $"{src.DeviceNumber >> 32}:{src.DeviceNumber & 0xFFFFFFFF}"));
                break;
            default:
                Append(w, "");
                break;
        }
    }

    private static void WriteHex(ReadOnlySpan<byte> bytes, Span<byte> utf8)
    {
        ReadOnlySpan<byte> digits = "0123456789abcdef"u8;
        for (int i = 0; i < bytes.Length; i++)
        {
            utf8[2 * i] = digits[bytes[i] >> 4];
            utf8[(2 * i) + 1] = digits[bytes[i] & 0xF];
        }
    }

    /// <summary>The per-entry results, made on first use from what the total digest was computed from.</summary>
    private sealed class LazyEntries(SelectedEntry[] ordered, byte[]?[] contents, bool includePermissions) : IReadOnlyList<HashedEntry>
    {
        private HashedEntry[]? entries;

        public int Count => ordered.Length;

        public HashedEntry this[int index] => Entries[index];

        private HashedEntry[] Entries => LazyInitializer.EnsureInitialized(ref entries, Create);

        public IEnumerator<HashedEntry> GetEnumerator() => ((IEnumerable<HashedEntry>)Entries).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        private HashedEntry[] Create()
        {
            var result = new HashedEntry[ordered.Length];
            var record = new ArrayBufferWriter<byte>(256);
            for (int i = 0; i < ordered.Length; i++)
            {
                SelectedEntry sel = ordered[i];
                ContextEntry src = sel.Source;
                record.ResetWrittenCount();
                WriteRecord(record, sel, contents[i], includePermissions);
                Digest? content = contents[i] is { } c ? Digest.FromSha256(c) : null;
                result[i] = new HashedEntry(sel.TargetPath, src.Path, src.Type, includePermissions ? src.Mode : -1, src.LinkTarget, content, Digest.Compute(record.WrittenSpan));
            }
            return result;
        }
    }

    private static string TypeCode(ContextEntryType type) => type switch
    {
        ContextEntryType.File => "f",
        ContextEntryType.Directory => "d",
        ContextEntryType.Symlink => "l",
        ContextEntryType.Fifo => "p",
        ContextEntryType.Socket => "s",
        ContextEntryType.CharDevice => "c",
        ContextEntryType.BlockDevice => "b",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private static void Append(ArrayBufferWriter<byte> w, string field)
    {
        int max = Encoding.UTF8.GetMaxByteCount(field.Length) + 1;
        Span<byte> span = w.GetSpan(max);
        int n = Encoding.UTF8.GetBytes(field, span);
        span[n] = 0;
        w.Advance(n + 1);
    }

    // Reads a file the walker saw as a regular file. The opened file is checked by inode: if the path was swapped
    // (for a symlink to a host file, say) between the walk and the read, we refuse instead of hashing what it points to.
    // A file that changes while it is read is read again; the stamp returned is the one the content belongs to.
    private static async Task<(byte[] Sha, FileStamp Stamp, long Bytes)> HashFileAsync(BuildContext context, ContextEntry src, CancellationToken ct)
    {
        string host = context.HostPath(src.Path);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            for (int attempt = 0; attempt < 3; attempt++)
            {
                using SafeFileHandle handle = File.OpenHandle(host, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
                NativeStat.Result before = NativeStat.FStat(handle, host);
                if (before.Type != ContextEntryType.File || before.Stamp.Inode != src.Stamp.Inode || before.Stamp.Device != src.Stamp.Device)
                    throw new BuildException(ErrorCode.Io, $"{src.Path}: file was replaced while the build context was being read; run the build again");
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                long offset = 0;
                while (true)
                {
                    int n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(0, BufferSize), offset, ct).ConfigureAwait(false);
                    if (n == 0)
                        break;
                    hash.AppendData(buffer, 0, n);
                    offset += n;
                }
                NativeStat.Result after = NativeStat.FStat(handle, host);
                if (after.Stamp == before.Stamp && offset == after.Stamp.Size)
                    return (hash.GetHashAndReset(), after.Stamp, offset);
            }
            throw new BuildException(ErrorCode.Io, $"{src.Path}: file keeps changing while the build context is being read");
        }
        catch (IOException ex)
        {
            throw new BuildException(ErrorCode.Io, $"{src.Path}: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new BuildException(ErrorCode.Io, $"{src.Path}: permission denied", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
