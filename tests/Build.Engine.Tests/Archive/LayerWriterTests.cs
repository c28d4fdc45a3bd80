using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Build.Engine.Archive;
using Build.Engine.Errors;
using Build.Engine.Oci;
using static Build.Engine.Tests.Archive.ArchiveTestSupport;

namespace Build.Engine.Tests.Archive;

public class LayerWriterTests
{
    private static void MakeTree(string root, bool reverseOrder, long mtimeBase)
    {
        var files = new List<(string Path, string Content)>
        {
            ("bin/tool", "#!/bin/sh\necho tool\n"),
            ("etc/config", "key=value\n"),
            ("etc/.hidden", "dot files matter\n"),
            ("usr/share/doc/readme", new string('r', 5000)),
            ("usr/share/big", Convert.ToBase64String(RandomNumberGenerator.GetBytes(300_000))),
        };
        if (reverseOrder)
            files.Reverse();
        foreach (var (path, content) in files)
        {
            string full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
        File.CreateSymbolicLink(Path.Combine(root, "bin/alias"), "tool");
        foreach (var p in Walk(root))
            SetMtime(p, mtimeBase + p.Length, 1234);
    }

    [Theory]
    [InlineData(LayerCompression.Gzip, 0)]
    [InlineData(LayerCompression.Gzip, 3)]
    [InlineData(LayerCompression.Zstd, 0)]
    [InlineData(LayerCompression.Zstd, 3)]
    [InlineData(LayerCompression.None, 0)]
    [InlineData(LayerCompression.None, 3)]
    public async Task Small_layers_written_in_memory_are_the_bytes_the_pipeline_writes(LayerCompression compression, int extraMiB)
    {
        using var dir = new TempDir();
        MakeTree(dir.Path, reverseOrder: false, mtimeBase: 1_600_000_000);
        if (extraMiB > 0) // past one 1 MiB gzip member: the in-memory path must cut members where the pipeline does
            File.WriteAllBytes(Path.Combine(dir.Path, "usr/share/more"), Enumerable.Range(0, extraMiB << 20).Select(i => (byte)(i * 7 % 253)).ToArray());
        async Task<(LayerWriteResult Result, byte[] Blob)> WriteAsync(long smallLimit)
        {
            var ms = new MemoryStream();
            var r = await LayerWriter.WriteAsync(LayerSource.FromDirectory(dir.Path), ms,
                new LayerWriteOptions { Compression = compression, SmallLayerLimit = smallLimit }, CancellationToken.None);
            return (r, ms.ToArray());
        }

        var pipeline = await WriteAsync(smallLimit: -1);
        var inMemory = await WriteAsync(smallLimit: long.MaxValue);
        Assert.Equal(pipeline.Result, inMemory.Result);
        Assert.Equal(pipeline.Blob, inMemory.Blob);
        Assert.Equal(Digest.Compute(inMemory.Blob), inMemory.Result.Digest);
    }

    [Theory]
    [InlineData(LayerCompression.Gzip, MediaTypes.OciLayerGzip)]
    [InlineData(LayerCompression.Zstd, MediaTypes.OciLayerZstd)]
    [InlineData(LayerCompression.None, MediaTypes.OciLayer)]
    public async Task Digests_and_sizes_match_the_bytes_written(LayerCompression compression, string mediaType)
    {
        using var dir = new TempDir();
        MakeTree(dir.Path, false, 1_600_000_000);
        var (result, blob) = await WriteAsync(LayerSource.FromDirectory(dir.Path), new LayerWriteOptions { Compression = compression });

        byte[] tar = Decompress(blob);
        Assert.Equal(Digest.Compute(blob), result.Digest);
        Assert.Equal(blob.Length, result.Size);
        Assert.Equal(Digest.Compute(tar), result.DiffId);
        Assert.Equal(tar.Length, result.UncompressedSize);
        Assert.Equal(mediaType, result.MediaType);
        Assert.False(result.IsEmpty);
        if (compression != LayerCompression.None)
            Assert.True(blob.Length < tar.Length);
    }

    [Fact]
    public async Task Large_layers_spanning_many_pipeline_chunks_hash_correctly()
    {
        byte[] big = RandomNumberGenerator.GetBytes(5 << 20);
        var (result, blob) = await WriteAsync(Entries(LayerEntry.File("big", big), LayerEntry.File("small", "s"u8.ToArray())));
        byte[] tar = Decompress(blob);
        Assert.Equal(Digest.Compute(tar), result.DiffId);
        Assert.Equal(Digest.Compute(blob), result.Digest);
        var entries = ReadWithBcl(tar);
        using var ms = new MemoryStream();
        entries[0].DataStream!.CopyTo(ms);
        Assert.Equal(big, ms.ToArray());
    }

    [Fact]
    public async Task Gzip_header_is_fixed_no_name_mtime_zero_os_unknown()
    {
        var (_, blob) = await WriteAsync(Entries(LayerEntry.File("a", "b"u8.ToArray())));
        // ID1 ID2 CM FLG MTIME(4) XFL OS — FLG 0 means no file name or comment.
        Assert.Equal(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff }, blob[..10]);
    }

    [Fact]
    public async Task Separately_created_copies_with_different_order_and_mtimes_give_one_digest_under_source_date_epoch()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        MakeTree(a.Path, reverseOrder: false, mtimeBase: 1_700_000_000);
        MakeTree(b.Path, reverseOrder: true, mtimeBase: 1_750_000_000);
        // The random file differs between trees: make it equal, keeping b's separate inode and creation order.
        File.Copy(Path.Combine(a.Path, "usr/share/big"), Path.Combine(b.Path, "usr/share/big"), overwrite: true);
        SetMtime(Path.Combine(b.Path, "usr/share/big"), 1_750_000_000, 9);
        var options = new LayerWriteOptions { SourceDateEpoch = new UnixTimestamp(1_650_000_000) };

        var (ra, blobA) = await WriteAsync(LayerSource.FromDirectory(a.Path), options);
        var (rb, blobB) = await WriteAsync(LayerSource.FromDirectory(b.Path), options);
        Assert.Equal(ra.DiffId, rb.DiffId);
        Assert.Equal(ra.Digest, rb.Digest);
        Assert.Equal(blobA, blobB);

        // Without the clamp the differing mtimes must show: the test above is not vacuous.
        var (ua, _) = await WriteAsync(LayerSource.FromDirectory(a.Path));
        var (ub, _) = await WriteAsync(LayerSource.FromDirectory(b.Path));
        Assert.NotEqual(ua.DiffId, ub.DiffId);
    }

    [Fact]
    public async Task Identical_trees_with_identical_mtimes_give_identical_bytes()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        MakeTree(a.Path, false, 1_700_000_000);
        MakeTree(b.Path, true, 1_700_000_000);
        File.Copy(Path.Combine(a.Path, "usr/share/big"), Path.Combine(b.Path, "usr/share/big"), overwrite: true);
        // mtimes are derived from the path length, so relocating the tree changes them: copy them over.
        foreach (var p in Walk(a.Path))
        {
            var t = Mtime(p);
            SetMtime(Path.Combine(b.Path, Path.GetRelativePath(a.Path, p)), t.Seconds, t.Nanoseconds);
        }
        foreach (var c in new[] { LayerCompression.Gzip, LayerCompression.Zstd })
        {
            var (_, blobA) = await WriteAsync(LayerSource.FromDirectory(a.Path), new LayerWriteOptions { Compression = c });
            var (_, blobB) = await WriteAsync(LayerSource.FromDirectory(b.Path), new LayerWriteOptions { Compression = c });
            Assert.Equal(blobA, blobB);
        }
    }

    [Fact]
    public async Task Directory_walk_is_sorted_bytewise_with_parents_first_and_keeps_dot_files()
    {
        using var dir = new TempDir();
        foreach (var p in new[] { "b/z", "a-b/x", "a/c", "a/.wh.gone", "A", ".dot" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(dir.Combine(p))!);
            File.WriteAllText(dir.Combine(p), p);
        }
        var (_, blob) = await WriteAsync(LayerSource.FromDirectory(dir.Path));
        var names = ReadWithBcl(Decompress(blob)).Select(e => e.Name).ToList();
        // Keys are the paths without the directory slash, so "a" sorts before "a-b" and "a-b/x" before "a/c".
        Assert.Equal([".dot", "A", "a/", "a-b/", "a-b/x", "a/.wh.gone", "a/c", "b/", "b/z"], names);
    }

    [Fact]
    public async Task Second_path_of_an_inode_becomes_a_hardlink_to_the_first_in_archive_order()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.Combine("z-original"), "shared");
        HardLink(dir.Combine("z-original"), dir.Combine("a-link"));
        var (_, blob) = await WriteAsync(LayerSource.FromDirectory(dir.Path));
        var entries = ReadWithBcl(Decompress(blob));
        Assert.Equal(System.Formats.Tar.TarEntryType.RegularFile, entries[0].EntryType);
        Assert.Equal("a-link", entries[0].Name);
        Assert.Equal(System.Formats.Tar.TarEntryType.HardLink, entries[1].EntryType);
        Assert.Equal("a-link", entries[1].LinkName);
        Assert.Equal(0, entries[1].Length);
    }

    [Fact]
    public async Task Excluded_paths_and_sockets_are_left_out()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Combine("etc"));
        File.WriteAllText(dir.Combine("etc/hosts"), "placeholder");
        File.WriteAllText(dir.Combine("etc/resolv.conf"), "placeholder");
        File.WriteAllText(dir.Combine("etc/keep"), "real");
        Directory.CreateDirectory(dir.Combine("proc/self"));
        File.WriteAllText(dir.Combine("proc/self/x"), "x");
        using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            socket.Bind(new UnixDomainSocketEndPoint(dir.Combine("etc/sock")));
        var source = LayerSource.FromDirectory(dir.Path, new DirectoryLayerOptions { Exclude = ["/etc/hosts", "etc/resolv.conf", "proc"] });
        var (_, blob) = await WriteAsync(source);
        var names = ReadWithBcl(Decompress(blob)).Select(e => e.Name).ToList();
        Assert.Equal(["etc/", "etc/keep"], names);
    }

    [Fact]
    public async Task Entry_lists_take_content_from_memory_or_host_files_and_are_sorted()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.Combine("src.txt"), "from disk");
        var (_, blob) = await WriteAsync(Entries(
            new LayerEntry { Path = "/app/z.txt", Type = LayerEntryType.RegularFile, SourcePath = dir.Combine("src.txt"), Size = 9, Mode = 0x1ED, Uid = 1000, Gid = 1000 },
            LayerEntry.File("app/a.txt", "in memory"u8.ToArray()),
            LayerEntry.Directory("app")));
        var entries = ReadWithBcl(Decompress(blob));
        Assert.Equal(["app/", "app/a.txt", "app/z.txt"], entries.Select(e => e.Name));
        using var r = new StreamReader(entries[2].DataStream!);
        Assert.Equal("from disk", r.ReadToEnd());
        Assert.Equal(1000, entries[2].Uid);
    }

    [Fact]
    public async Task Entry_lists_reject_duplicates_and_escaping_paths()
    {
        var dup = await Assert.ThrowsAsync<BuildException>(() => WriteAsync(Entries(LayerEntry.Directory("a"), LayerEntry.Directory("./a/"))));
        Assert.Equal(ErrorCode.InvalidArgument, dup.Code);
        var up = await Assert.ThrowsAsync<BuildException>(() => WriteAsync(Entries(LayerEntry.File("../x", "x"u8.ToArray()))));
        Assert.Equal(ErrorCode.UnsafePath, up.Code);
        Assert.Contains("../x", up.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_shrinks_while_written_is_an_error_naming_it()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.Combine("f"), "short");
        var entry = new LayerEntry { Path = "f", Type = LayerEntryType.RegularFile, SourcePath = dir.Combine("f"), Size = 100 };
        var ex = await Assert.ThrowsAsync<BuildException>(() => WriteAsync(Entries(entry)));
        Assert.Equal(ErrorCode.Io, ex.Code);
        Assert.Contains("shrank", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    [InlineData(LayerCompression.None)]
    public async Task An_empty_diff_is_the_1024_zero_byte_tar_and_flagged_empty(LayerCompression compression)
    {
        using var dir = new TempDir();
        var (result, blob) = await WriteAsync(LayerSource.FromDirectory(dir.Path), new LayerWriteOptions { Compression = compression });
        Assert.True(result.IsEmpty);
        Assert.Equal(new byte[1024], Decompress(blob));
        Assert.Equal(Digest.Compute(new byte[1024]), result.DiffId);
        Assert.Equal(Digest.Compute(blob), result.Digest);
    }

    [Fact]
    public void The_empty_gzip_layer_is_BuildKits_well_known_blob()
    {
        // BuildKit's exptypes.EmptyGZLayer: registries and containerd recognise exactly this digest.
        Assert.Equal("sha256:4f4fb700ef54461cfa02571ae0db9a0dc1e0cdb5577484a6d75e68dc38e8acc1", EmptyLayer.GzipDigest.ToString());
        Assert.Equal(new byte[1024], Decompress(EmptyLayer.Gzip.ToArray()));
    }

    [Fact]
    public async Task Cancellation_stops_the_pipeline()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            LayerWriter.WriteAsync(Entries(LayerEntry.File("a", "b"u8.ToArray())), Stream.Null, null, cts.Token));
    }

    [Fact]
    public async Task A_failing_destination_surfaces_its_own_error()
    {
        var source = Entries(LayerEntry.File("big", RandomNumberGenerator.GetBytes(4 << 20)));
        var ex = await Assert.ThrowsAsync<IOException>(() => LayerWriter.WriteAsync(source, new FailingStream(), null, CancellationToken.None));
        Assert.Equal("disk full", ex.Message);
    }

    private sealed class FailingStream : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("disk full");

        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("disk full");
    }
}
