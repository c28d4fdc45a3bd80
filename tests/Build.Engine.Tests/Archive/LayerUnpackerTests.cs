using System.Collections.Immutable;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Build.Engine.Archive;
using Build.Engine.Errors;
using Build.Engine.Oci;
using static Build.Engine.Tests.Archive.ArchiveTestSupport;

namespace Build.Engine.Tests.Archive;

public class LayerUnpackerTests
{
    /// <summary>A root inside a sandbox dir, with a sentinel file next to the root that must never change.</summary>
    private sealed class Fixture : IDisposable
    {
        private readonly TempDir _dir = new();

        public Fixture()
        {
            Root = _dir.Combine("root");
            Outside = _dir.Combine("outside");
            Directory.CreateDirectory(Root);
            Directory.CreateDirectory(Outside);
            File.WriteAllText(Path.Combine(Outside, "secret"), "untouched");
        }

        public string Root { get; }

        public string Outside { get; }

        public string Sandbox => _dir.Path;

        public void AssertOutsideUntouched()
        {
            Assert.Equal(["secret"], Directory.GetFileSystemEntries(Outside).Select(Path.GetFileName));
            Assert.Equal("untouched", File.ReadAllText(Path.Combine(Outside, "secret")));
            Assert.Equal(["outside", "root"], Directory.GetFileSystemEntries(Sandbox).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }

        public void Dispose() => _dir.Dispose();
    }

    private static async Task<BuildException> Refused(Fixture f, byte[] tar, ErrorCode code, string named)
    {
        var ex = await Assert.ThrowsAsync<BuildException>(() => UnpackAsync(tar, f.Root));
        Assert.Equal(code, ex.Code);
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
        f.AssertOutsideUntouched();
        return ex;
    }

    [Fact]
    public async Task Dot_dot_that_escapes_is_refused_naming_the_entry()
    {
        using var f = new Fixture();
        await Refused(f, HostileTar(w => w.AddFile("../outside/secret", "pwned")), ErrorCode.UnsafePath, "../outside/secret");
        await Refused(f, HostileTar(w => w.AddFile("a/../../x", "pwned")), ErrorCode.UnsafePath, "a/../../x");
    }

    [Fact]
    public async Task Dot_dot_that_stays_inside_is_cleaned()
    {
        using var f = new Fixture();
        await UnpackAsync(HostileTar(w => w.AddFile("a/b/../c", "ok")), f.Root);
        Assert.Equal("ok", File.ReadAllText(Path.Combine(f.Root, "a/c")));
    }

    [Fact]
    public async Task Absolute_paths_are_confined_to_the_root()
    {
        using var f = new Fixture();
        string hostPath = Path.Combine(f.Outside, "secret");
        await UnpackAsync(HostileTar(w => w.AddFile(hostPath, "confined")), f.Root);
        Assert.Equal("confined", File.ReadAllText(f.Root + hostPath));
        f.AssertOutsideUntouched();
    }

    [Fact]
    public async Task Symlink_to_slash_then_a_path_through_it_stays_in_the_root()
    {
        using var f = new Fixture();
        string hostDir = f.Outside.TrimStart('/');
        var tar = HostileTar(w =>
        {
            w.AddSymlink("link", "/");
            w.AddFile($"link/{hostDir}/secret", "inside");
            w.AddFile("link/etc/passwd", "root:x:0:0::/root:/bin/sh\n");
        });
        await UnpackAsync(tar, f.Root);
        f.AssertOutsideUntouched();
        Assert.Equal("inside", File.ReadAllText(Path.Combine(f.Root, hostDir, "secret")));
        Assert.StartsWith("root:x:0:0::/root", File.ReadAllText(Path.Combine(f.Root, "etc/passwd")), StringComparison.Ordinal);
        Assert.True(Stat(Path.Combine(f.Root, "link")).IsSymlink);
    }

    [Fact]
    public async Task Relative_symlink_climbing_out_of_the_root_is_refused()
    {
        using var f = new Fixture();
        var tar = HostileTar(w =>
        {
            w.AddSymlink("up", "../outside");
            w.AddFile("up/secret", "pwned");
        });
        await Refused(f, tar, ErrorCode.UnsafePath, "up/secret");
    }

    [Fact]
    public async Task Symlink_chains_are_followed_inside_and_refused_when_they_leave()
    {
        using var f = new Fixture();
        var chain = HostileTar(w =>
        {
            w.AddDir("real");
            w.AddSymlink("a", "b");
            w.AddSymlink("b", "c/d/..");
            w.AddDir("c");
            w.AddDir("c/d");
            w.AddSymlink("c/e", "../real");
            w.AddFile("a/e/file", "through a chain");
        });
        await UnpackAsync(chain, f.Root);
        Assert.Equal("through a chain", File.ReadAllText(Path.Combine(f.Root, "real/file")));

        using var g = new Fixture();
        var escaping = HostileTar(w =>
        {
            w.AddDir("x");
            w.AddSymlink("x/one", "two");
            w.AddSymlink("x/two", "../three");
            w.AddSymlink("three", "../outside");
            w.AddFile("x/one/secret", "pwned");
        });
        await Refused(g, escaping, ErrorCode.UnsafePath, "x/one/secret");
    }

    [Fact]
    public async Task Symlink_loops_are_refused()
    {
        using var f = new Fixture();
        var tar = HostileTar(w =>
        {
            w.AddSymlink("a", "b");
            w.AddSymlink("b", "a");
            w.AddFile("a/x", "loop");
        });
        await Refused(f, tar, ErrorCode.UnsafePath, "a/x");
    }

    [Fact]
    public async Task An_existing_symlink_is_replaced_never_written_through()
    {
        using var f = new Fixture();
        string secret = Path.Combine(f.Outside, "secret");
        var tar = HostileTar(w =>
        {
            w.AddSymlink("victim", secret);
            w.AddFile("victim", "replaced");
        });
        await UnpackAsync(tar, f.Root);
        f.AssertOutsideUntouched();
        Assert.False(Stat(Path.Combine(f.Root, "victim")).IsSymlink);
        Assert.Equal("replaced", File.ReadAllText(Path.Combine(f.Root, "victim")));
    }

    [Fact]
    public async Task A_symlink_left_by_a_lower_layer_is_not_written_through_either()
    {
        using var f = new Fixture();
        File.CreateSymbolicLink(Path.Combine(f.Root, "lower-link"), "../outside/secret");
        await UnpackAsync(HostileTar(w => w.AddFile("lower-link", "new")), f.Root);
        f.AssertOutsideUntouched();
        Assert.Equal("new", File.ReadAllText(Path.Combine(f.Root, "lower-link")));
    }

    [Fact]
    public async Task Hardlink_to_outside_is_refused()
    {
        using var f = new Fixture();
        await Refused(f, HostileTar(w => w.AddHardlink("h", "../outside/secret")), ErrorCode.UnsafePath, "h");
    }

    [Fact]
    public async Task Hardlink_through_an_escaping_symlink_is_refused()
    {
        using var f = new Fixture();
        var tar = HostileTar(w =>
        {
            w.AddSymlink("dir", "../outside");
            w.AddHardlink("h", "dir/secret");
        });
        await Refused(f, tar, ErrorCode.UnsafePath, "h");
    }

    [Fact]
    public async Task Hardlink_to_a_symlink_pointing_outside_links_the_symlink_itself()
    {
        using var f = new Fixture();
        string secret = Path.Combine(f.Outside, "secret");
        var tar = HostileTar(w =>
        {
            w.AddSymlink("s", secret);
            w.AddHardlink("h", "s");
            w.AddFile("h", "overwrite attempt");
        });
        await UnpackAsync(tar, f.Root);
        f.AssertOutsideUntouched();
        Assert.True(Stat(Path.Combine(f.Root, "s")).IsSymlink);
        Assert.Equal("overwrite attempt", File.ReadAllText(Path.Combine(f.Root, "h")));
    }

    [Fact]
    public async Task Hardlink_to_a_symlink_is_a_second_name_of_the_symlink()
    {
        using var f = new Fixture();
        var tar = HostileTar(w =>
        {
            w.AddSymlink("s", "/etc/shadow");
            w.AddHardlink("h", "s");
        });
        await UnpackAsync(tar, f.Root);
        var h = Stat(Path.Combine(f.Root, "h"));
        Assert.True(h.IsSymlink);
        Assert.Equal(Stat(Path.Combine(f.Root, "s")).Inode, h.Inode);
    }

    [Fact]
    public async Task Hardlink_to_a_missing_target_is_an_invalid_archive()
    {
        using var f = new Fixture();
        await Refused(f, HostileTar(w => w.AddHardlink("h", "nothing-here")), ErrorCode.InvalidArchive, "h");
    }

    [Fact]
    public async Task Devices_are_skipped_and_counted_when_not_allowed()
    {
        using var f = new Fixture();
        var tar = HostileTar(w =>
        {
            w.WriteEntry(new PaxTarEntry(TarEntryType.CharacterDevice, "dev/mem") { DeviceMajor = 1, DeviceMinor = 1, Mode = (UnixFileMode)0x1B6 });
            w.WriteEntry(new PaxTarEntry(TarEntryType.BlockDevice, "dev/sda") { DeviceMajor = 8, DeviceMinor = 0, Mode = (UnixFileMode)0x1B6 });
            w.AddFile("dev/ok", "regular");
        });
        var stats = await UnpackAsync(tar, f.Root, new UnpackOptions { AllowDevices = false });
        Assert.Equal(2, stats.SkippedDevices);
        Assert.Equal(["ok"], Directory.GetFileSystemEntries(Path.Combine(f.Root, "dev")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Whiteouts_delete_lower_content_but_not_the_same_layers()
    {
        using var f = new Fixture();
        Directory.CreateDirectory(Path.Combine(f.Root, "a/sub"));
        File.WriteAllText(Path.Combine(f.Root, "a/lower1"), "1");
        File.WriteAllText(Path.Combine(f.Root, "a/sub/lower2"), "2");
        File.WriteAllText(Path.Combine(f.Root, "gone"), "x");
        Directory.CreateDirectory(Path.Combine(f.Root, "gone-dir/deep"));
        File.WriteAllText(Path.Combine(f.Root, "keep"), "k");
        var tar = HostileTar(w =>
        {
            w.AddDir("a");
            w.AddFile("a/-early", "before the marker in sort order");
            w.AddFile("a/.wh..wh..opq", "");
            w.AddDir("a/sub");
            w.AddFile("a/sub/new", "n");
            w.AddFile(".wh.gone", "");
            w.AddFile(".wh.gone-dir", "");
            w.AddFile("same", "written by this layer");
            w.AddFile(".wh.same", "");
            w.AddFile(".wh.never-existed", "");
        });
        var stats = await UnpackAsync(tar, f.Root);
        Assert.Equal(5, stats.Whiteouts);
        var all = Walk(f.Root)
            .Select(p => Path.GetRelativePath(f.Root, p)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["a", "a/-early", "a/sub", "a/sub/new", "keep", "same"], all);
    }

    [Fact]
    public async Task Aufs_bookkeeping_whiteouts_are_ignored()
    {
        using var f = new Fixture();
        File.WriteAllText(Path.Combine(f.Root, "plnk"), "stays");
        await UnpackAsync(HostileTar(w => w.AddFile(".wh..wh.plnk", "")), f.Root);
        Assert.True(File.Exists(Path.Combine(f.Root, "plnk")));
    }

    [Fact]
    public async Task A_corrupt_header_or_truncated_archive_is_an_invalid_archive()
    {
        using var f = new Fixture();
        byte[] tar = HostileTar(w => w.AddFile("f", new string('x', 2000)));
        byte[] corrupt = (byte[])tar.Clone();
        int header = Encoding.Latin1.GetString(tar).IndexOf("f\0", StringComparison.Ordinal);
        corrupt[header + 100] ^= 0x01; // mode field: checksum no longer matches
        var bad = await Assert.ThrowsAsync<BuildException>(() => UnpackAsync(corrupt, f.Root));
        Assert.Equal(ErrorCode.InvalidArchive, bad.Code);
        Assert.Contains("checksum", bad.Message, StringComparison.Ordinal);

        var truncated = await Assert.ThrowsAsync<BuildException>(() => UnpackAsync(tar[..(tar.Length - 1500)], f.Root));
        Assert.Equal(ErrorCode.InvalidArchive, truncated.Code);
    }

    [Fact]
    public async Task Compression_is_detected_from_the_magic_bytes()
    {
        var source = Entries(LayerEntry.File("hello", "world"u8.ToArray()));
        foreach (var (compression, name) in new[] { (LayerCompression.Gzip, "gzip"), (LayerCompression.Zstd, "zstd"), (LayerCompression.None, "none") })
        {
            using var f = new Fixture();
            var (_, blob) = await WriteAsync(source, new LayerWriteOptions { Compression = compression });
            var stats = await UnpackAsync(blob, f.Root);
            Assert.Equal(name, stats.Compression);
            Assert.Equal("world", File.ReadAllText(Path.Combine(f.Root, "hello")));
        }
    }

    [Fact]
    public async Task A_corrupt_gzip_stream_fails_instead_of_unpacking_silently_short()
    {
        using var f = new Fixture();
        var (_, blob) = await WriteAsync(Entries(LayerEntry.File("big", Encoding.ASCII.GetBytes(new string('q', 3_000_000) + Guid.NewGuid()))));
        blob[blob.Length / 2] ^= 0xff;
        await Assert.ThrowsAnyAsync<Exception>(() => UnpackAsync(blob, f.Root));
    }

    [Fact]
    public async Task Round_trip_keeps_content_modes_nanosecond_times_links_and_binary_xattrs()
    {
        using var src = new TempDir();
        using var f = new Fixture();
        Directory.CreateDirectory(src.Combine("usr/bin"));
        Directory.CreateDirectory(src.Combine("readonly/inner"));
        File.WriteAllText(src.Combine("readonly/inner/file"), "deep");
        File.WriteAllText(src.Combine("usr/bin/tool"), "#!/bin/sh\n");
        LibCChmod(src.Combine("usr/bin/tool"), 0xDED); // 06755
        HardLink(src.Combine("usr/bin/tool"), src.Combine("usr/bin/tool2"));
        File.CreateSymbolicLink(src.Combine("usr/bin/link"), "tool");
        File.CreateSymbolicLink(src.Combine("dangling"), "/does/not/exist");
        File.WriteAllText(src.Combine(".wh-not-a-whiteout"), "dot");
        Assert.Equal(0, Build.Engine.Archive.Native.LibC.SetXattr(src.Combine("usr/bin/tool"), "user.blob", [0x00, 0xff, 0x80, 0x0a]));
        LibCChmod(src.Combine("readonly/inner"), 0x16D); // 0555
        LibCChmod(src.Combine("readonly"), 0x16D);
        uint n = 1;
        foreach (var p in Walk(src.Path).OrderByDescending(p => p.Length))
            SetMtime(p, 1_600_000_000 + n, n++ * 1_000_001);

        var (result, blob) = await WriteAsync(LayerSource.FromDirectory(src.Path));
        var stats = await UnpackAsync(blob, f.Root);
        Assert.Equal(1, stats.Hardlinks);
        Assert.Equal(0, stats.SkippedXattrs);

        var expected = Snapshot(src.Path);
        var actual = Snapshot(f.Root);
        Assert.Equal(expected, actual);
        Assert.Equal(Stat(Path.Combine(f.Root, "usr/bin/tool")).Inode, Stat(Path.Combine(f.Root, "usr/bin/tool2")).Inode);
        Assert.Equal(new byte[] { 0x00, 0xff, 0x80, 0x0a }, Build.Engine.Archive.Native.LibC.GetXattr(Path.Combine(f.Root, "usr/bin/tool"), "user.blob"));

        // And the unpacked tree writes the very same layer again.
        var (again, _) = await WriteAsync(LayerSource.FromDirectory(f.Root));
        Assert.Equal(result.DiffId, again.DiffId);
    }

    private static void LibCChmod(string path, uint mode) =>
        Assert.Equal(0, Build.Engine.Archive.Native.LibC.FchmodAt(Build.Engine.Archive.Native.LibC.AT_FDCWD, path, mode, 0));

    /// <summary>Every path with type, mode, owner, mtime (ns), size, link target and xattrs.</summary>
    internal static List<string> Snapshot(string root)
    {
        var lines = new List<string>();
        foreach (var p in Walk(root))
        {
            var st = Stat(p);
            string rel = Path.GetRelativePath(root, p);
            string extra = st.IsSymlink ? "-> " + File.ResolveLinkTarget(p, false)?.ToString() : st.IsRegular ? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(p))) : "";
            if (st.IsSymlink)
                extra = "-> " + new FileInfo(p).LinkTarget;
            var xattrs = string.Join(",", Build.Engine.Archive.Native.LibC.ListXattrs(p).Order(StringComparer.Ordinal)
                .Select(x => x + "=" + Convert.ToHexString(Build.Engine.Archive.Native.LibC.GetXattr(p, x) ?? [])));
            lines.Add($"{rel} {st.Mode:x} {st.Uid}:{st.Gid} {st.MtimeSeconds}.{st.MtimeNanoseconds:D9} {(st.IsDirectory ? 0 : st.Size)} {extra} [{xattrs}] {(st.FileType is 0x2000 or 0x6000 ? $"{st.RdevMajor},{st.RdevMinor}" : "")}");
        }
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }
}
