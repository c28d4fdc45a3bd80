using Build.Engine.Archive;
using Build.Engine.Archive.Native;
using static Build.Integration.Tests.Archive.ArchiveIntegrationSupport;

namespace Build.Integration.Tests.Archive;

/// <summary>
/// The snapshot cycle on a real overlayfs: changes made through a mount land in the upper dir as
/// overlay whiteouts; committing the upper dir gives an OCI layer; applying it (OCI semantics) to the
/// lower tree, or unpacking it overlay-natively under a new mount, reproduces the merged view.
/// </summary>
public sealed class OverlayLayerTests : IDisposable
{
    private readonly string _tmp = MakeTemp();
    private readonly List<string> _mounts = [];

    public void Dispose()
    {
        foreach (string m in Enumerable.Reverse(_mounts))
            Run("/usr/bin/umount", m);
        RemoveTree(_tmp);
    }

    private string Mount(string lowers, string? upper, string name)
    {
        string merged = NewDir(_tmp, name);
        string options = "lowerdir=" + lowers;
        if (upper is not null)
        {
            string work = NewDir(_tmp, name + "-work");
            options += ",upperdir=" + upper + ",workdir=" + work;
        }
        MustRun("/usr/bin/mount", "-t", "overlay", "overlay", "-o", options, merged);
        _mounts.Add(merged);
        return merged;
    }

    private void MakeLower(string lower)
    {
        Directory.CreateDirectory(Path.Combine(lower, "etc"));
        Directory.CreateDirectory(Path.Combine(lower, "opaque/sub"));
        Directory.CreateDirectory(Path.Combine(lower, "removed-dir/deep"));
        File.WriteAllText(Path.Combine(lower, "etc/keep"), "keep");
        File.WriteAllText(Path.Combine(lower, "etc/delete-me"), "x");
        File.WriteAllText(Path.Combine(lower, "etc/hosts"), "lower hosts");
        File.WriteAllText(Path.Combine(lower, "opaque/old"), "old");
        File.WriteAllText(Path.Combine(lower, "opaque/sub/older"), "older");
        File.WriteAllText(Path.Combine(lower, "removed-dir/deep/f"), "f");
        File.WriteAllText(Path.Combine(lower, "chmod-me"), "c");
    }

    private static void ChangeThroughMount(string merged)
    {
        File.Delete(Path.Combine(merged, "etc/delete-me"));
        Directory.Delete(Path.Combine(merged, "removed-dir"), recursive: true);
        Directory.Delete(Path.Combine(merged, "opaque"), recursive: true);
        Directory.CreateDirectory(Path.Combine(merged, "opaque"));
        File.WriteAllText(Path.Combine(merged, "opaque/new"), "new");
        File.WriteAllText(Path.Combine(merged, "etc/added"), "added");
        File.WriteAllText(Path.Combine(merged, "etc/hosts"), "bind-mount placeholder");
        Assert.Equal(0, LibC.FchmodAt(LibC.AT_FDCWD, Path.Combine(merged, "chmod-me"), 0x1C0, 0));
    }

    [ArchiveFact("/usr/bin/mount")]
    public async Task Upper_dir_commits_to_oci_whiteouts_that_reproduce_the_merged_view()
    {
        string lower = NewDir(_tmp, "lower");
        MakeLower(lower);
        string upper = NewDir(_tmp, "upper");
        string merged = Mount(lower, upper, "merged");
        ChangeThroughMount(merged);

        var source = LayerSource.FromDirectory(upper, new DirectoryLayerOptions { Whiteouts = WhiteoutFormat.Overlay, Exclude = ["etc/hosts"] });
        var (_, blob) = await WriteLayerFileAsync(source, Path.Combine(_tmp, "diff.tar.gz"));

        string listing = MustRun("/usr/bin/tar", "-tzf", blob);
        var names = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        Assert.Contains("etc/.wh.delete-me", names);
        Assert.Contains(".wh.removed-dir", names);
        Assert.Contains("opaque/.wh..wh..opq", names);
        Assert.DoesNotContain("etc/hosts", names);
        Assert.DoesNotContain(names, n => n.EndsWith("delete-me", StringComparison.Ordinal) && !n.Contains(".wh.", StringComparison.Ordinal));

        // OCI semantics on a copy of the lower tree gives what the container saw (minus the excluded placeholder).
        string applied = NewDir(_tmp, "applied");
        MustRun("/usr/bin/cp", "-a", lower + "/.", applied);
        var stats = await UnpackFileAsync(blob, applied);
        Assert.Equal(3, stats.Whiteouts);
        File.WriteAllText(Path.Combine(applied, "etc/hosts"), "bind-mount placeholder");
        LibC.Lstat(LibC.AT_FDCWD, Path.Combine(merged, "etc/hosts"), out var hostsSt);
        LibC.UtimensAt(LibC.AT_FDCWD, Path.Combine(applied, "etc/hosts"), hostsSt.MtimeSeconds, hostsSt.MtimeNanoseconds, 0);
        // Directory mtimes of "etc" differ legitimately (the placeholder was written into each tree separately).
        Assert.Equal(Snapshot(merged, withDirMtimes: false), Snapshot(applied, withDirMtimes: false));
    }

    [ArchiveFact("/usr/bin/mount")]
    public async Task Overlay_native_unpack_makes_a_lowerdir_that_overlayfs_merges_to_the_same_view()
    {
        string lower = NewDir(_tmp, "lower");
        MakeLower(lower);
        string upper = NewDir(_tmp, "upper");
        string merged = Mount(lower, upper, "merged");
        ChangeThroughMount(merged);
        var (_, blob) = await WriteLayerFileAsync(
            LayerSource.FromDirectory(upper, new DirectoryLayerOptions { Whiteouts = WhiteoutFormat.Overlay }),
            Path.Combine(_tmp, "diff.tar.gz"));

        string snapshot = NewDir(_tmp, "snapshot");
        var stats = await UnpackFileAsync(blob, snapshot, new UnpackOptions { Whiteouts = WhiteoutMode.OverlayNative });
        Assert.Equal(3, stats.Whiteouts);
        var wh = Stat(Path.Combine(snapshot, "etc/delete-me"));
        Assert.Equal(LibC.S_IFCHR, wh.FileType);
        Assert.Equal((0u, 0u), (wh.RdevMajor, wh.RdevMinor));
        Assert.Equal("y"u8.ToArray(), LibC.GetXattr(Path.Combine(snapshot, "opaque"), "trusted.overlay.opaque"));

        string stacked = Mount(snapshot + ":" + lower, null, "stacked");
        Assert.Equal(Snapshot(merged), Snapshot(stacked));
    }

    [ArchiveFact("/usr/bin/mount")]
    public async Task Unpacking_while_writing_gives_the_same_lowerdir_as_unpacking_the_blob()
    {
        string lower = NewDir(_tmp, "lower");
        MakeLower(lower);
        MakeRichTree(NewDir(lower, "rich"));
        string upper = NewDir(_tmp, "upper");
        string merged = Mount(lower, upper, "merged");
        ChangeThroughMount(merged);
        MakeRichTree(NewDir(merged, "rich-new"));
        // Bigger than one 1 MiB chunk of the pipeline, so the tee sees several.
        File.WriteAllBytes(Path.Combine(merged, "big.bin"), Enumerable.Range(0, 3 << 20).Select(i => (byte)(i * 31 % 251)).ToArray());

        string teed = NewDir(_tmp, "teed");
        var native = new UnpackOptions { Whiteouts = WhiteoutMode.OverlayNative };
        var (result, blob) = await WriteLayerFileAsync(
            LayerSource.FromDirectory(upper, new DirectoryLayerOptions { Whiteouts = WhiteoutFormat.Overlay }),
            Path.Combine(_tmp, "diff.tar.gz"),
            new LayerWriteOptions { UnpackInto = teed, UnpackOptions = native });
        Assert.True(result.Unpacked);

        string unpacked = NewDir(_tmp, "unpacked");
        await UnpackFileAsync(blob, unpacked, native);
        Assert.Equal(Snapshot(unpacked), Snapshot(teed));
        Assert.Equal(LibC.S_IFCHR, Stat(Path.Combine(teed, "etc/delete-me")).FileType);
        Assert.Equal("y"u8.ToArray(), LibC.GetXattr(Path.Combine(teed, "opaque"), "trusted.overlay.opaque"));
    }

    [ArchiveFact]
    public async Task A_failing_unpack_beside_the_write_never_fails_the_write()
    {
        string src = NewDir(_tmp, "src");
        MakeRichTree(src);
        string notADirectory = Path.Combine(_tmp, "file");
        File.WriteAllText(notADirectory, "x");

        var (plain, plainBlob) = await WriteLayerFileAsync(LayerSource.FromDirectory(src), Path.Combine(_tmp, "plain.tar.gz"));
        var (teed, teedBlob) = await WriteLayerFileAsync(LayerSource.FromDirectory(src), Path.Combine(_tmp, "teed.tar.gz"),
            new LayerWriteOptions { UnpackInto = notADirectory });

        Assert.False(teed.Unpacked);
        Assert.Equal(plain.DiffId, teed.DiffId);
        Assert.Equal(File.ReadAllBytes(plainBlob), File.ReadAllBytes(teedBlob));
        Assert.False(plain.Unpacked);
    }

    [ArchiveFact("/usr/bin/mount")]
    public async Task Overlay_private_xattrs_are_neither_committed_nor_accepted_from_archives()
    {
        string lower = NewDir(_tmp, "lower");
        MakeLower(lower);
        string upper = NewDir(_tmp, "upper");
        string merged = Mount(lower, upper, "merged");
        ChangeThroughMount(merged);
        var (_, blob) = await WriteLayerFileAsync(
            LayerSource.FromDirectory(upper, new DirectoryLayerOptions { Whiteouts = WhiteoutFormat.Overlay }),
            Path.Combine(_tmp, "diff.tar"),
            new LayerWriteOptions { Compression = Build.Engine.Oci.LayerCompression.None });
        Assert.DoesNotContain("trusted.overlay", File.ReadAllText(blob), StringComparison.Ordinal);

        // A crafted archive carrying trusted.overlay.redirect must not plant it.
        var entry = LayerEntry.Directory("d") with
        {
            Xattrs = System.Collections.Immutable.ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
                new Dictionary<string, System.Collections.Immutable.ImmutableArray<byte>> { ["trusted.overlay.redirect"] = [.. "/etc"u8.ToArray()] }),
        };
        var (_, evil) = await WriteLayerFileAsync(LayerSource.FromEntries([entry]), Path.Combine(_tmp, "evil.tar"));
        string dest = NewDir(_tmp, "dest");
        await UnpackFileAsync(evil, dest, new UnpackOptions { Whiteouts = WhiteoutMode.OverlayNative });
        Assert.Null(LibC.GetXattr(Path.Combine(dest, "d"), "trusted.overlay.redirect"));
    }
}
